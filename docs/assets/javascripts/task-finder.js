/*
 * Task finder ("Tra cứu nhiệm vụ"): filters, sorts and counts the rows of the task
 * table that the build writes into the page. Without JavaScript the table lists every
 * task. The filter state lives in the query string, so a link opens already filtered
 * and the back button returns to the previous filter.
 */
(function () {
  "use strict"

  var form = document.getElementById("finder")
  var table = document.getElementById("finder-table")
  if (!form || !table) return

  var body = table.tBodies[0]
  var rows = Array.prototype.slice.call(body.rows)
  var count = document.getElementById("finder-count")
  var empty = document.getElementById("finder-empty")
  var headers = Array.prototype.slice.call(table.querySelectorAll("th[data-sort]"))
  var FIELDS = ["tu-khoa", "nam", "don-vi", "vai-tro", "linh-vuc", "trang-thai", "han", "tu", "den"]
  var sort = { key: "id", descending: false }

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

  function matches(row, state, words, dates) {
    var data = row.dataset
    if (state.nam && data.year !== state.nam) return false
    if (state["linh-vuc"] && data.field !== state["linh-vuc"]) return false
    if (state["trang-thai"] && data.status !== state["trang-thai"]) return false
    if (state["don-vi"]) {
      var leads = data.lead === state["don-vi"]
      var supports = data.support.split(" ").indexOf(state["don-vi"]) !== -1
      if (state["vai-tro"] === "chu-tri" ? !leads : state["vai-tro"] === "phoi-hop" ? !supports : !(leads || supports))
        return false
    }
    if (state.han === "qua-han" && !(data.due && data.due < today() && data.status !== "hoan-thanh")) return false
    if (dates && !(data.due && data.due >= dates[0] && data.due <= dates[1])) return false
    for (var i = 0; i < words.length; i++)
      if (data.text.indexOf(words[i]) === -1) return false
    return true
  }

  var STATUS_ORDER = ["chua-trien-khai", "dang-thuc-hien", "tam-dung", "hoan-thanh"]

  /** Sort key of a row: the column's value, then the task id, so every key is unique. */
  function sortValue(row, key) {
    var data = row.dataset
    var id = data.id.replace(/\d+/g, function (n) { return n.padStart(6, "0") })
    if (key === "due") return (data.due || "9999-99-99") + " " + id  // ongoing tasks last
    if (key === "field") return String(data.field).padStart(3, "0") + " " + id
    if (key === "lead") return data.leadName + " " + id
    if (key === "status") return STATUS_ORDER.indexOf(data.status) + " " + id
    return id
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

  function apply(state) {
    form.querySelectorAll(".finder__range").forEach(function (el) { el.hidden = state.han !== "khoang" })
    var words = fold(state["tu-khoa"]).split(/\s+/).filter(Boolean)
    var dates = range(state)
    var shown = rows.filter(function (row) {
      var visible = matches(row, state, words, dates)
      row.hidden = !visible
      return visible
    })
    var ordered = rows.slice().sort(function (a, b) {
      var x = sortValue(a, sort.key), y = sortValue(b, sort.key)
      return (x < y ? -1 : x > y ? 1 : 0) * (sort.descending ? -1 : 1)
    })
    ordered.forEach(function (row) { body.appendChild(row) })
    headers.forEach(function (th) {
      th.setAttribute("aria-sort", th.dataset.sort === sort.key ? (sort.descending ? "descending" : "ascending") : "none")
    })
    count.textContent = shown.length === rows.length
      ? rows.length + " nhiệm vụ"
      : shown.length + " trên " + rows.length + " nhiệm vụ khớp với bộ lọc"
    empty.hidden = shown.length !== 0
    table.hidden = shown.length === 0
  }

  function update(push) {
    var state = readForm()
    var url = urlFor(state)
    if (url !== location.pathname + location.search)
      history[push ? "pushState" : "replaceState"](null, "", url)
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

  var typing
  form.addEventListener("input", function (event) {
    if (event.target.name !== "tu-khoa") return
    clearTimeout(typing)
    typing = setTimeout(function () { update(false) }, 150)
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

  form.hidden = false
  var initial = stateFromUrl()
  writeForm(initial)
  apply(initial)
})()
