/*
 * Vietnamese search over Material's whole index, with lunr: the fallback of search-vi.js.
 *
 * search-vi.js loads this file when the index it is given still holds the documents, i.e. when
 * the build did not split it into parts (the standalone project of `scripts/site generate`,
 * built by plain MkDocs without the hooks). It runs Material's own search worker (its file name is passed as ?worker=...) and
 * changes two things around it, without touching its code:
 *
 * - each entry of the index gets two diacritic-folded fields before Material indexes it,
 *   so unaccented words ("cai cach") match accented text ("cải cách"): `title_folded`
 *   (the folded title) and `text_folded` (the distinct folded words of the text that
 *   differ from the original words: only what the `text` field cannot match). They are
 *   declared under `plugins: search: fields:` in mkdocs.yml and computed here, in the
 *   browser, rather than at build time: the downloaded index stays as small as
 *   Material's own, and the work is a small share of what lunr does with it anyway;
 * - the query is normalised to NFC, so text typed with a decomposing input method
 *   matches;
 * - results are ranked so that an entry holding the whole query as typed comes first,
 *   then one holding the whole query without diacritics, then one holding every word,
 *   then the rest; Material's score orders entries within each of these tiers;
 * - what matched is highlighted again, word by word (a word typed without diacritics marks
 *   the same word with any accents): Material marks the positions lunr found, and for a word
 *   found through a folded field those positions belong to that field, not to the text
 *   shown, so the wrong word was marked.
 */
"use strict"

var SETUP = 0
var QUERY = 2
var RESULT = 3

/** Remove Vietnamese diacritics: "Đơn vị" → "Don vi". */
function fold(text) {
  return text
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .normalize("NFC")
}

/** Lowercase words of a text, markup and punctuation removed, single spaces. */
function words(text) {
  return (" " + text.replace(/<[^>]+>/g, " ").toLowerCase() + " ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
}

var documents = new Map()
var lastQuery = ""

/** The distinct words of `folded` that differ from the word at the same place in `plain`. */
function changedWords(plain, folded) {
  var plainWords = plain.split(" ")
  var foldedWords = folded.split(" ")
  var seen = new Set()
  for (var i = 0; i < foldedWords.length; i++) {
    if (foldedWords[i] !== plainWords[i]) seen.add(foldedWords[i])
  }
  return Array.from(seen).join(" ")
}

/** Add the folded fields to each entry (in place) and remember its words for ranking. */
function prepare(index) {
  documents.clear()
  for (var i = 0; i < index.docs.length; i++) {
    var doc = index.docs[i]
    var title = words(doc.title)
    var titleFolded = fold(title)
    var text = words(doc.text)
    var textFolded = fold(text)
    if (titleFolded !== title) doc.title_folded = titleFolded.trim()
    var changed = changedWords(text.trim(), textFolded.trim())
    if (changed) doc.text_folded = changed
    // words() gives " a b ": join title and text words with one space, as one text.
    documents.set(doc.location, {
      exact: title + text.slice(1),
      folded: titleFolded + textFolded.slice(1),
      title: title,
      titleFolded: titleFolded
    })
  }
}

/**
 * Ranking tier of one result: the phrase as typed (8), the phrase without diacritics (4),
 * every word (2), some words (0); plus 1 when the title holds the phrase.
 */
function tier(item, phrase) {
  var doc = documents.get(item.location)
  if (doc && phrase.trim()) {
    var folded = fold(phrase)
    var inTitle = doc.titleFolded.indexOf(folded) !== -1 ? 1 : 0
    if (doc.exact.indexOf(phrase) !== -1) return 8 + inTitle
    if (doc.folded.indexOf(folded) !== -1) return 4 + inTitle
  }
  var terms = Object.keys(item.terms || {})
  if (terms.length && terms.every(function (t) { return item.terms[t] })) return 2
  return 0
}

function rerank(result) {
  var phrase = words(lastQuery.normalize("NFC"))
  var groups = result.items.map(function (group) {
    var ranked = group.map(function (item) {
      return { item: item, tier: tier(item, phrase) }
    })
    ranked.sort(function (a, b) {
      return b.tier - a.tier || b.item.score - a.item.score
    })
    return ranked
  })
  groups.sort(function (a, b) {
    return b[0].tier - a[0].tier || b[0].item.score - a[0].item.score
  })
  result.items = groups.map(function (ranked) {
    return ranked.map(function (r) { return r.item })
  })
  return result
}

/**
 * The query's words, lowercased: a word typed without diacritics matches any accents
 * ("cai" → "cải", "cái"), a word typed with them matches those accents only ("cải").
 */
function queryTerms(query) {
  return words(query.normalize("NFC")).split(" ").filter(Boolean).map(function (word) {
    var folded = fold(word)
    return { word: folded === word ? folded : word, folded: folded === word }
  })
}

/** Mark each word of an HTML snippet that starts with a query term; tags and entities stay. */
function highlight(html, terms) {
  if (!terms.length || typeof html !== "string") return html
  return html
    .replace(/<\/?mark>/g, "")
    .replace(/(<[^>]*>|&#?\w+;)|([\p{L}\p{N}]+)/gu, function (match, markup, word) {
      if (markup) return markup
      var lower = word.toLowerCase()
      var folded = fold(lower)
      for (var i = 0; i < terms.length; i++)
        if ((terms[i].folded ? folded : lower).indexOf(terms[i].word) === 0) return "<mark>" + word + "</mark>"
      return word
    })
}

function rehighlight(result) {
  var terms = queryTerms(lastQuery)
  result.items.forEach(function (group) {
    group.forEach(function (item) {
      item.title = highlight(item.title, terms)
      item.text = highlight(item.text, terms)
    })
  })
  return result
}

// Runs before Material's own listener (registered by importScripts below), so the
// index gets its folded fields and the query is normalised before Material sees them.
self.addEventListener("message", function (event) {
  var message = event.data
  if (message.type === SETUP) {
    prepare(message.data)
  } else if (message.type === QUERY && typeof message.data === "string") {
    message.data = message.data.normalize("NFC")
    lastQuery = message.data
  }
})

var post = self.postMessage.bind(self)
self.postMessage = function (message) {
  if (message && message.type === RESULT && message.data && message.data.items) {
    message.data = rehighlight(rerank(message.data))
  }
  post(message)
}

// search-vi.js re-dispatches the SETUP message once this file and Material's worker are loaded.
importScripts(new URL(self.location.href).searchParams.get("worker"))
