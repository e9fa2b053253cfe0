/*
 * Vietnamese search for Material for MkDocs: the search worker, over an index fetched in parts.
 *
 * Material creates this worker on every page and speaks to it with its own messages (SETUP,
 * READY, QUERY, RESULT); its search box and result list are unchanged. What differs from
 * Material's lunr worker:
 *
 * - nothing of the index is downloaded with the page: the build splits it into parts
 *   (hooks/parsite/outputs/search_shards.py) and this worker fetches the manifest when the reader
 *   opens the search (main.html posts "open" on the channel below when the box gets the focus)
 *   with the entries' titles, then, for each query, only the word shards its words fall in and
 *   the text of the first results shown; every part is fetched once per page;
 * - a query made stale by further typing is dropped as soon as it would wait for the network,
 *   so the answer to the last key is not queued behind those of the keys before it;
 * - what the lunr wrapper did is kept: words match without diacritics when typed without them
 *   ("don vi" finds "đơn vị", "đ" included) and only with those accents when typed with them; the
 *   query is normalised to NFC; words split at punctuation; the last word matches as a prefix
 *   while it is being typed (lunr matched every word so, which at this scale fetched and ranked
 *   words nobody typed: "chu" finding "chương", "chuyển", "chứng"); entries holding the whole
 *   query as typed come first, then those holding it without diacritics, then those holding
 *   every word, then the rest; the words that matched are marked in each result.
 *
 * When the index it is given still holds the documents (a site built without the hooks), the
 * worker hands over to the lunr wrapper, search-vi-lunr.js.
 */
"use strict"
;(function () {
  var SETUP = 0
  var READY = 1
  var QUERY = 2
  var RESULT = 3

  // lunr.vi's stop words: Material's worker dropped them from queries; they still count in a phrase.
  var STOP_WORDS = new Set(["là", "cái", "nhưng", "mà"])
  var TITLE_BOOST = 1000 // mkdocs.yml's boost of titles over text, as lunr used it
  var K1 = 1.2 // lunr's BM25 saturation, without length normalisation (Material sets b = 0)
  // Text is shown under the results whose text is already here or lies in the first few text
  // files still wanted; those further down show their title. A site of a few hundred entries
  // (the department's own: 205 entries, 12 files) fetches all its text when the search opens, so
  // there every result has its text.
  var TEXT_FILES = 6
  var SMALL_SITE_TEXT_FILES = 16
  // When a query lists more than LISTED entries, each page lists its PER_PAGE best sections and
  // one line saying how many more it holds. Material draws every section of the first ten pages
  // at once, and at the scale of a province (a unit's page with 180 tasks) that drawing, not the
  // search, was what the reader waited for. The department's own site (205 entries) stays under it.
  var LISTED = 400
  var PER_PAGE = 5

  var base = new URL("../../../search/", self.location.href)
  var parts = null // "vi/index.json", from Material's (document-less) search_index.json
  var fetched = new Map() // part → promise of its JSON
  var loaded = new Map() // part → its JSON, once here
  var decoded = new Map() // "word shard/key/spelling" → decoded postings
  var latest = 0 // number of the last query received

  /** Remove Vietnamese diacritics: "Đơn vị" → "Don vi". */
  function fold(text) {
    return text
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .normalize("NFC")
  }

  /** Lowercase words of a text: markup removed, split at anything not a letter or digit (as the build does). */
  function words(text) {
    return text
      .replace(/<[^>]+>/g, " ")
      .normalize("NFC")
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
  }

  function get(part) {
    var promise = fetched.get(part)
    if (!promise) {
      promise = fetch(new URL(part, base)).then(function (response) {
        if (!response.ok) throw new Error(part + ": " + response.status)
        return response.json()
      }).then(function (json) {
        loaded.set(part, json)
        return json
      })
      promise.catch(function () { fetched.delete(part) }) // a later query tries again
      fetched.set(part, promise)
    }
    return promise
  }

  function manifest() {
    return get(parts || "vi/index.json")
  }

  /**
   * Open the search: the manifest, then every title file. Nearly every query lists entries from
   * all over the site, and on a busy server each round trip a query waits for costs more than
   * the bytes (the titles of 2 000 tasks are about 95 KB gzipped).
   */
  function open() {
    return manifest().then(function (index) {
      for (var n = 0; n * index.titles < index.documents; n++) get("vi/t/" + n + ".json").catch(function () {})
      // A site of a few hundred entries (the department's own) has all its text in a few files.
      if (index.texts.length <= SMALL_SITE_TEXT_FILES)
        for (var x = 0; x < index.texts.length; x++) get("vi/x/" + x + ".json").catch(function () {})
      return index
    })
  }

  /** Index of the last element of a sorted array that is <= value (0 if none). */
  function floor(sorted, value) {
    var low = 0
    var high = sorted.length - 1
    var found = 0
    while (low <= high) {
      var middle = (low + high) >> 1
      if (sorted[middle] <= value) {
        found = middle
        low = middle + 1
      } else high = middle - 1
    }
    return found
  }

  /** The word shards holding the folded words that begin with `prefix`. */
  function shardsFor(index, prefix) {
    var first = floor(index.words, prefix)
    var numbers = [first]
    for (var n = first + 1; n < index.words.length && index.words[n] < prefix + "\uffff"; n++) numbers.push(n)
    return numbers
  }

  /** Postings of one spelling: [{doc, title: [positions], text: [positions]}], decoded once. */
  function postings(shard, key, spelling, flat) {
    var id = shard + "/" + key + "/" + spelling
    var list = decoded.get(id)
    if (list) return list
    list = []
    var doc = 0
    for (var i = 0; i < flat.length; ) {
      doc += flat[i]
      var titleCount = flat[i + 1]
      var textCount = flat[i + 2]
      i += 3
      var title = []
      for (var t = 0, p = 0; t < titleCount; t++) title.push((p += flat[i++]))
      var text = []
      for (var x = 0, q = 0; x < textCount; x++) text.push((q += flat[i++]))
      list.push({ doc: doc, title: title, text: text })
    }
    decoded.set(id, list)
    return list
  }

  /** Where a word occurs: doc → its postings (one per spelling). */
  function addPositions(map, posting) {
    var at = map.get(posting.doc)
    if (at) at.push(posting)
    else map.set(posting.doc, [posting])
  }

  function occursAt(postings, field, position) {
    for (var i = 0; i < postings.length; i++) if (postings[i][field].indexOf(position) !== -1) return true
    return false
  }

  /** Whether the words (each a map of where it occurs) follow one another in a field of `doc`. */
  function phraseIn(doc, maps, field) {
    var all = []
    for (var i = 0; i < maps.length; i++) {
      var at = maps[i].get(doc)
      if (!at) return false
      all.push(at)
    }
    return all[0].some(function (posting) {
      return posting[field].some(function (start) {
        for (var i = 1; i < all.length; i++) if (!occursAt(all[i], field, start + i)) return false
        return true
      })
    })
  }

  function saturate(count) {
    return count ? (count * (K1 + 1)) / (K1 + count) : 0
  }

  /**
   * The query's words, lowercased: a word typed without diacritics matches any accents
   * ("cai" → "cải", "cái"), a word typed with them matches those accents only ("cải").
   */
  function queryTerms(typed, open) {
    return typed.map(function (word, i) {
      var folded = fold(word)
      return { word: word, folded: folded, plain: folded === word, prefix: open && i === typed.length - 1 }
    })
  }

  /** Mark each word of an HTML snippet that a query term matches (the last one as a prefix); tags and entities stay. */
  function highlight(html, terms) {
    if (!terms.length || typeof html !== "string") return html
    return html.replace(/(<[^>]*>|&#?\w+;)|([\p{L}\p{N}]+)/gu, function (match, markup, word) {
      if (markup) return markup
      var lower = word.toLowerCase()
      var folded = fold(lower)
      for (var i = 0; i < terms.length; i++) {
        var term = terms[i]
        var have = term.plain ? folded : lower
        var want = term.plain ? term.folded : term.word
        if (term.prefix ? have.indexOf(want) === 0 : have === want) return "<mark>" + word + "</mark>"
      }
      return word
    })
  }

  async function search(query, number) {
    var typed = words(query)
    if (!typed.length) return { items: [] }
    var index = await open()
    // The last word may be half typed: it matches the words it begins; the others are whole.
    var terms = queryTerms(typed, /[\p{L}\p{N}]$/u.test(query))
    var numbers = new Set()
    terms.forEach(function (term) {
      var found = term.prefix ? shardsFor(index, term.folded) : [floor(index.words, term.folded)]
      found.forEach(function (n) { numbers.add(n) })
    })
    numbers = Array.from(numbers)
    var shards = await Promise.all(numbers.map(function (n) { return get("vi/w/" + n + ".json") }))
    if (number !== latest) return null

    // Each distinct word that is not a stop word is a clause: which entries it matches, and how often.
    var clauses = []
    var seen = new Set()
    terms.forEach(function (term) {
      if (!STOP_WORDS.has(term.word) && !seen.has(term.word)) {
        seen.add(term.word)
        clauses.push({ term: term, counts: new Map() })
      }
    })
    // For the phrase: where each word occurs as typed, and without diacritics.
    var exact = terms.map(function () { return new Map() })
    var loose = terms.map(function () { return new Map() })
    shards.forEach(function (shard, s) {
      for (var key in shard) {
        var spellings = shard[key]
        for (var spelling in spellings) {
          var list = null
          var load = function () {
            return list || (list = postings(numbers[s], key, spelling, spellings[spelling]))
          }
          clauses.forEach(function (clause) {
            var term = clause.term
            if (term.prefix ? key.indexOf(term.folded) !== 0 : key !== term.folded) return
            if (!term.plain && (term.prefix ? spelling.indexOf(term.word) !== 0 : spelling !== term.word)) return
            load().forEach(function (posting) {
              var count = clause.counts.get(posting.doc)
              if (!count) clause.counts.set(posting.doc, (count = { title: 0, text: 0 }))
              count.title += posting.title.length
              count.text += posting.text.length
            })
          })
          terms.forEach(function (term, i) {
            if (key !== term.folded) return
            load().forEach(function (posting) {
              addPositions(loose[i], posting)
              if (spelling === term.word) addPositions(exact[i], posting)
            })
          })
        }
      }
    })

    // Scores as Material computed them: BM25 per word (titles boosted), then its boost for pages
    // and for entries holding more of the words.
    var found = new Map()
    clauses.forEach(function (clause) {
      var idf = Math.log(1 + Math.abs((index.documents - clause.counts.size + 0.5) / (clause.counts.size + 0.5)))
      clause.counts.forEach(function (count, doc) {
        var item = found.get(doc)
        if (!item) found.set(doc, (item = { doc: doc, score: 0, terms: {} }))
        item.score += idf * (TITLE_BOOST * saturate(count.title) + saturate(count.text))
        item.terms[clause.term.word] = true
      })
    })
    var pageOf = function (doc) { return index.pages[floor(index.pages, doc)] }
    var groups = new Map()
    found.forEach(function (item) {
      var matched = 0
      clauses.forEach(function (clause) {
        if (item.terms[clause.term.word]) matched++
        else item.terms[clause.term.word] = false
      })
      var page = pageOf(item.doc)
      item.score *= 1 + Math.pow((page === item.doc ? 1 : 0) + matched / clauses.length, 2)
      var group = groups.get(page)
      if (!group) groups.set(page, (group = []))
      group.push(item)
    })
    groups.forEach(function (group, page) {
      if (!found.has(page)) group.push({ doc: page, score: 0, terms: {} })
    })

    // Tiers: the phrase as typed (8), without diacritics (4), every word (2), some (0); +1 in the title.
    var tier = function (item) {
      // An entry without every word cannot hold the phrase: most entries skip its checks.
      var keys = Object.keys(item.terms)
      if (!keys.length || !keys.every(function (k) { return item.terms[k] })) return 0
      var inTitle = phraseIn(item.doc, loose, "title") ? 1 : 0
      if (phraseIn(item.doc, exact, "title") || phraseIn(item.doc, exact, "text")) return 8 + inTitle
      if (inTitle || phraseIn(item.doc, loose, "text")) return 4 + inTitle
      return 2
    }
    var ranked = Array.from(groups.values()).map(function (group) {
      group.forEach(function (item) { item.tier = tier(item) })
      return group.sort(function (a, b) { return b.tier - a.tier || b.score - a.score })
    })
    ranked.sort(function (a, b) { return b[0].tier - a[0].tier || b[0].score - a[0].score })
    var listed = 0
    ranked.forEach(function (group) { listed += group.length })
    var hidden = ranked.map(function (group) {
      if (listed <= LISTED) return 0
      var page = group.findIndex(function (item) { return item.doc === pageOf(item.doc) })
      var kept = group.slice(0, PER_PAGE + 1)
      if (page > PER_PAGE) kept[PER_PAGE] = group[page] // the page's own entry leads its group
      var more = group.length - kept.length
      group.length = 0
      group.push.apply(group, kept)
      return more
    })

    // Titles of every entry listed, text of the first ones shown.
    var titleFiles = new Set()
    var textFiles = new Set()
    ranked.forEach(function (group) {
      group.forEach(function (item) {
        titleFiles.add(Math.floor(item.doc / index.titles))
        titleFiles.add(Math.floor(pageOf(item.doc) / index.titles))
        var file = floor(index.texts, item.doc)
        var here = loaded.has("vi/x/" + file + ".json")
        if (!here && textFiles.size < TEXT_FILES) textFiles.add(file)
        item.withText = here || textFiles.has(file)
      })
    })
    await Promise.all(Array.from(titleFiles).map(function (n) { return get("vi/t/" + n + ".json") }))
    if (number !== latest) return null
    var answer = function () {
      return {
        items: ranked.map(function (group, g) {
          var page = pageOf(group[0].doc)
          var list = group.map(function (item) {
            var entry = loaded.get("vi/t/" + Math.floor(item.doc / index.titles) + ".json")[item.doc % index.titles]
            var file = floor(index.texts, item.doc)
            var texts = item.withText && loaded.get("vi/x/" + file + ".json")
            return {
              location: entry[0],
              title: highlight(entry[1], terms),
              text: texts ? highlight(texts[item.doc - index.texts[file]], terms) : "",
              score: item.score,
              terms: item.terms
            }
          })
          if (hidden[g]) {
            var address = loaded.get("vi/t/" + Math.floor(page / index.titles) + ".json")[page % index.titles][0]
            list.push({
              location: address + "#",
              title: "Và " + hidden[g] + " kết quả khác trong trang này",
              text: "",
              score: 0,
              terms: {}
            })
          }
          return list
        })
      }
    }
    // The results as soon as their titles are here; if some of their text is still to be
    // fetched, once more with it (Material draws the list again; the reader saw it a round
    // trip earlier).
    var missing = Array.from(textFiles).filter(function (n) { return !loaded.has("vi/x/" + n + ".json") })
    if (!missing.length) return answer()
    reply(number, answer())
    await Promise.all(missing.map(function (n) { return get("vi/x/" + n + ".json") }))
    return number === latest ? answer() : null
  }

  function reply(number, result) {
    if (result && number === latest) self.postMessage({ type: RESULT, data: result })
  }

  function handOverToLunr(message) {
    self.removeEventListener("message", onMessage)
    importScripts("search-vi-lunr.js") // which loads Material's worker and listens from now on
    self.dispatchEvent(new MessageEvent("message", { data: message }))
  }

  function onMessage(event) {
    var message = event.data
    if (message.type === SETUP) {
      if (message.data.docs && message.data.docs.length) return handOverToLunr(message)
      parts = message.data.parts || null
      self.postMessage({ type: READY })
    } else if (message.type === QUERY && typeof message.data === "string") {
      var number = ++latest
      search(message.data, number).then(
        function (result) { reply(number, result) },
        function (error) {
          console.warn("Tìm kiếm: " + error)
          if (number === latest) self.postMessage({ type: RESULT, data: { items: [] } })
        }
      )
    }
  }
  self.addEventListener("message", onMessage)

  // The page says when the reader opens the search: fetch the manifest while they type.
  if (typeof BroadcastChannel !== "undefined")
    new BroadcastChannel("parsite-search").onmessage = function () {
      open().catch(function () {})
    }
})()
