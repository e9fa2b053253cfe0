/*
 * Task finder ("Tra cứu nhiệm vụ"): filters, sorts and counts every task of every plan.
 *
 * The build writes the first tasks (by id) into the page's table, so the page shows them
 * with JavaScript off and nothing moves when this script takes over. The script reads all
 * tasks from a compact data file (table[data-src], written by parsite/finder.py), filters
 * plain objects on each keystroke and shows the matches a page at a time ("Hiện thêm"),
 * so the page stays fast with thousands of tasks. Text from the data is written with
 * textContent, never as markup. The filter state lives in the query string, so a link
 * opens already filtered and the back button returns to the previous filter.
 */
(function () {
  "use strict"

  var form = document.getElementById("finder")
  var table = document.getElementById("finder-table")
  if (!form || !table) return

  var body = table.tBodies[0]
  var count = document.getElementById("finder-count")
  var filters = document.getElementById("finder-filters")   // <details>: folded on phones
  var active = document.getElementById("finder-active")     // "(2 đang chọn)" in its summary
  var chosen = document.getElementById("finder-chosen")     // the active filters, after the count
  var reset = document.getElementById("finder-reset")
  var empty = document.getElementById("finder-empty")
  var more = document.getElementById("finder-more")
  var headers = Array.prototype.slice.call(table.querySelectorAll("th[data-sort]"))
  var columns = Array.prototype.slice.call(table.tHead.rows[0].cells).map(function (th) {
    return { className: th.className, label: th.textContent.trim() }
  })
  var PAGE = +table.dataset.page || 100
  var FIELDS = ["tu-khoa", "nam", "don-vi", "vai-tro", "linh-vuc", "trang-thai", "han", "tu", "den"]
  // The states as the home page counts them ("b": quá hạn is a state of its own).
  var STATE_ORDER = ["chua-trien-khai", "dang-thuc-hien", "qua-han", "tam-dung", "hoan-thanh"]
  var sort = { key: "id", descending: false }
  var data = null          // {units, fields, tasks}, once loaded
  var orders = {}          // sort key → tasks in ascending order (computed once per key)
  var rowsById = {}        // task key → its <tr>, made once (server-rendered rows adopted)
  var limit = PAGE
  var shownList = []

  /** Lowercase and remove Vietnamese diacritics: "Phòng KHTC" → "phong khtc". */
  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
  }

  /** Today in Vietnam (Asia/Ho_Chi_Minh), as YYYY-MM-DD, whatever the reader's time zone. */
  function today() {
    return new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit"
    }).format(new Date())
  }

  function lastDay(year, month) {  // month 1–12
    return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10)
  }

  /** [first, last] day of the deadline filter, or null when it is not a date range. */
  function range(state) {
    var now = today()
    var year = +now.slice(0, 4)
    var month = +now.slice(5, 7)
    if (state.han === "thang-nay")
      return [now.slice(0, 8) + "01", lastDay(year, month)]
    if (state.han === "quy-nay") {
      var first = month - (month - 1) % 3
      return [now.slice(0, 5) + String(first).padStart(2, "0") + "-01", lastDay(year, first + 2)]
    }
    if (state.han === "khoang")
      return [state.tu || "0000-01-01", state.den || "9999-12-31"]
    return null
  }

  /** Each task with what filtering and sorting need, worked out once. */
  function prepare(loaded) {
    var units = loaded.units, fields = loaded.fields
    // Unit, field and status names recur on every task: each is folded once.
    var seen = new Map()
    function once(text) {
      var folded = seen.get(text)
      if (folded === undefined) seen.set(text, (folded = fold(text)))
      return folded
    }
    loaded.tasks.forEach(function (t) {
      var lead = units[t.l], field = fields[t.f]
      var support = t.s.map(function (i) { return units[i] })
      t.id = t.y + "-" + t.i
      t.field = field
      t.lead = lead
      t.support = support
      t.supportIds = support.map(function (u) { return u[0] })
      t.leadName = once(lead[2])
      // Searched word by word (indexOf of words without spaces), so its spaces are left as
      // they are: collapsing them took half of this loop's time.
      t.text = [fold(t.i + " " + t.t + " " + t.x), once(field[1]), once(lead[2] + " " + lead[1]),
        support.map(function (u) { return once(u[2] + " " + u[1]) }).join(" "),
        once(t.dl), once(t.sl)].join(" ")
    })
    return loaded
  }

  function matches(t, state, words, dates) {
    if (state.nam && String(t.y) !== state.nam) return false
    if (state["linh-vuc"] && String(t.field[0]) !== state["linh-vuc"]) return false
    if (state["trang-thai"] && t.b !== state["trang-thai"]) return false
    if (state["don-vi"]) {
      var leads = t.lead[0] === state["don-vi"]
      var supports = t.supportIds.indexOf(state["don-vi"]) !== -1
      if (state["vai-tro"] === "chu-tri" ? !leads : state["vai-tro"] === "phoi-hop" ? !supports : !(leads || supports))
        return false
    }
    if (dates && !(t.d && t.d >= dates[0] && t.d <= dates[1])) return false
    for (var i = 0; i < words.length; i++)
      if (t.text.indexOf(words[i]) === -1) return false
    return true
  }

  /** Sort key of a task: the column's value, then the id (padded numbers), so every key is unique. */
  function sortValue(t, key) {
    if (key === "due") return (t.d || "9999-99-99") + " " + t.k  // ongoing tasks last
    if (key === "field") return String(t.field[0]).padStart(3, "0") + " " + t.k
    if (key === "lead") return t.leadName + " " + t.k
    if (key === "status") return STATE_ORDER.indexOf(t.b) + " " + t.k
    return t.k
  }

  function ordered(key) {
    if (!orders[key]) {
      var keyed = data.tasks.map(function (t) { return [sortValue(t, key), t] })
      keyed.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0 })
      orders[key] = keyed.map(function (pair) { return pair[1] })
    }
    return orders[key]
  }

  function link(href, text, title) {
    var a = document.createElement("a")
    a.href = href
    a.textContent = text
    if (title) a.title = title
    return a
  }

  /** The table row of a task, as the build writes it (parsite/templates/finder.md.j2). */
  function makeRow(t) {
    var tr = document.createElement("tr")
    tr.dataset.id = t.id
    var cells = columns.map(function (column) {
      var td = document.createElement("td")
      td.className = column.className
      td.dataset.label = column.label
      tr.appendChild(td)
      return td
    })
    var small = document.createElement("small")
    small.textContent = "Năm " + t.y
    cells[0].append(link(t.lead[3] + "#" + t.a, t.i), " ", small)
    // The field by number and name, as the build writes it: a bare "1" means nothing to a reader.
    cells[1].append(link(t.field[2], t.field[0] + ". " + t.field[1]))
    cells[2].append(t.t)
    if (t.m) {
      var sample = document.createElement("small")
      sample.textContent = "(minh họa)"
      cells[2].append(" ", sample)
    }
    cells[3].append(link(t.lead[3], t.lead[1], t.lead[2]))
    if (!t.support.length) cells[4].append("không có")
    t.support.forEach(function (u, i) {
      if (i) cells[4].append("; ")
      cells[4].append(link(u[3], u[1], u[2]))
    })
    cells[5].append(t.dl)
    var badge = document.createElement("span")
    badge.className = "task-state task-state--" + t.sk
    badge.textContent = t.sl
    cells[6].append(badge)
    return tr
  }

  function rowOf(t) {
    return rowsById[t.id] || (rowsById[t.id] = makeRow(t))
  }

  function readForm() {
    var state = {}
    FIELDS.forEach(function (name) { state[name] = (form.elements[name].value || "").trim() })
    return state
  }

  function writeForm(state) {
    FIELDS.forEach(function (name) { form.elements[name].value = state[name] || "" })
  }

  function stateFromUrl() {
    var params = new URLSearchParams(location.search)
    var state = {}
    FIELDS.forEach(function (name) { state[name] = params.get(name) || "" })
    // Links saved when "quá hạn" was a deadline filter (?han=qua-han) open the state filter.
    if (state.han === "qua-han") {
      state.han = ""
      state["trang-thai"] = state["trang-thai"] || "qua-han"
    }
    var order = params.get("sap-xep") || "id"
    sort = { key: order.replace(/^-/, ""), descending: order.charAt(0) === "-" }
    if (!headers.some(function (th) { return th.dataset.sort === sort.key })) sort = { key: "id", descending: false }
    return state
  }

  function urlFor(state) {
    var params = new URLSearchParams()
    FIELDS.forEach(function (name) { if (state[name]) params.set(name, state[name]) })
    if (sort.key !== "id" || sort.descending) params.set("sap-xep", (sort.descending ? "-" : "") + sort.key)
    var query = params.toString()
    return location.pathname + (query ? "?" + query : "")
  }

  /** Show the first `limit` matches; reuse rows, touch the table only where it changes. */
  function render() {
    var rows = shownList.slice(0, limit).map(rowOf)
    var current = body.rows
    var same = current.length === rows.length
    for (var i = 0; same && i < rows.length; i++) same = current[i] === rows[i]
    if (!same) body.replaceChildren.apply(body, rows)
    var rest = shownList.length - rows.length
    more.hidden = rest <= 0
    more.textContent = "Hiện thêm " + Math.min(PAGE, rest) + " nhiệm vụ (còn " + rest + ")"
  }

  /** The active filters in words ("Năm 2024", "Quá hạn"), as the reader chose them. */
  function chosenFilters(state) {
    var words = []
    if (state["tu-khoa"]) words.push("từ khóa “" + state["tu-khoa"] + "”")
    ;["nam", "don-vi", "vai-tro", "linh-vuc", "trang-thai", "han"].forEach(function (name) {
      var select = form.elements[name]
      if (!state[name] || !select.selectedOptions.length) return
      if (name === "vai-tro" && !state["don-vi"]) return  // a role means nothing without a unit
      words.push(select.selectedOptions[0].textContent.replace("…", ""))
    })
    if (state.han === "khoang" && (state.tu || state.den)) {
      var day = function (iso) { return iso.split("-").reverse().join("/") }
      words[words.length - 1] += (state.tu ? " từ " + day(state.tu) : "") + (state.den ? " đến " + day(state.den) : "")
    }
    return words
  }

  function apply(state) {
    var labels = chosenFilters(state)
    var folded = labels.length - (state["tu-khoa"] ? 1 : 0)
    active.textContent = folded ? "(" + folded + " đang chọn)" : ""
    chosen.textContent = labels.length ? "· " + labels.join(" · ") : ""
    reset.hidden = labels.length === 0
    form.querySelectorAll(".finder__range").forEach(function (el) { el.hidden = state.han !== "khoang" })
    headers.forEach(function (th) {
      th.setAttribute("aria-sort", th.dataset.sort === sort.key ? (sort.descending ? "descending" : "ascending") : "none")
    })
    if (!data) return  // the data file is on its way; load() applies the state again
    var words = fold(state["tu-khoa"]).split(/\s+/).filter(Boolean)
    var dates = range(state)
    var list = ordered(sort.key)
    shownList = list.filter(function (t) { return matches(t, state, words, dates) })
    if (sort.descending) shownList.reverse()
    limit = PAGE
    render()
    var total = data.tasks.length
    count.textContent = shownList.length === total
      ? total + " nhiệm vụ"
      : shownList.length + " trên " + total + " nhiệm vụ khớp với bộ lọc"
    empty.hidden = shownList.length !== 0
    table.hidden = shownList.length === 0
  }

  var urlTimer
  function update(push) {
    var state = readForm()
    var url = urlFor(state)
    clearTimeout(urlTimer)
    if (push) {
      if (url !== location.pathname + location.search) history.pushState(null, "", url)
    } else {
      // Typing: the address follows a moment later (one history entry, not one per key).
      urlTimer = setTimeout(function () {
        if (url !== location.pathname + location.search) history.replaceState(null, "", url)
      }, 300)
    }
    apply(state)
  }

  // Sort buttons inside the column headers (keyboard accessible).
  headers.forEach(function (th) {
    var button = document.createElement("button")
    button.type = "button"
    button.className = "finder__sort"
    button.textContent = th.textContent
    button.title = "Sắp xếp theo cột này"
    th.textContent = ""
    th.appendChild(button)
    button.addEventListener("click", function () {
      sort = { key: th.dataset.sort, descending: sort.key === th.dataset.sort && !sort.descending }
      update(true)
    })
  })

  // Each keystroke filters at once: the work is a scan of plain objects (well under 100 ms
  // at 2,000 tasks, see scripts/lighthouse.py), so no delay is added before the answer.
  form.addEventListener("input", function (event) {
    if (event.target.name === "tu-khoa") update(false)
  })
  form.addEventListener("change", function (event) {
    if (event.target.name !== "tu-khoa") update(true)
  })
  form.addEventListener("submit", function (event) {
    event.preventDefault()
    update(true)
  })
  form.addEventListener("reset", function () {
    setTimeout(function () {
      sort = { key: "id", descending: false }
      update(true)
    })
  })
  window.addEventListener("popstate", function () {
    var state = stateFromUrl()
    writeForm(state)
    apply(state)
  })
  more.addEventListener("click", function () {
    limit += PAGE
    render()
  })

  // Rows the build wrote are kept as they are (same order, same markup): nothing moves.
  Array.prototype.forEach.call(body.rows, function (tr) { rowsById[tr.dataset.id] = tr })

  // Wide screens show the filters open; a phone shows the results first, the filters folded
  // behind one line that says how many are chosen.
  if (window.matchMedia("(min-width: 60em)").matches) filters.open = true

  var initial = stateFromUrl()
  writeForm(initial)
  apply(initial)
  fetch(table.dataset.src)
    .then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.url)
      return response.json()
    })
    .then(function (loaded) {
      data = prepare(loaded)
      apply(readForm())
      form.dataset.ready = ""
      // When every task can be filtered, for measurements (scripts/lighthouse.py) and the
      // browser's own performance tools.
      performance.mark("finder-ready")
    })
    .catch(function (error) {
      count.textContent = "Không tải được danh sách nhiệm vụ để lọc (" + error.message + "); bảng dưới đây chưa lọc."
      throw error
    })
})()
