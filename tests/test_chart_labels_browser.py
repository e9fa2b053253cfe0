"""Chart labels never collide: every text box Chromium draws in a chart is measured against the
other labels, the lines, the points and the rules, on the seed, both test data sets and
generated data, at 390 and 1280 px, in the light and the dark palette; and the chart's marks keep
a contrast of 3:1 with the page in both palettes (WCAG 1.4.11)."""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

# In each chart drawn on the page (the wide or the narrow drawing, whichever is shown): every
# pair of text boxes that meet, every text box a line, a rule or a point runs through, and every
# text box outside the drawing. Boxes as drawn on screen (turned labels too), in the SVG's own
# units, shrunk by half a unit so that touching is not meeting.
COLLISIONS = """() => {
  const found = []
  const shown = [...document.querySelectorAll("figure.chart svg")].filter(svg => svg.getBoundingClientRect().width > 0)
  for (const svg of shown) {
    const name = svg.closest("figure").id + (svg.classList.contains("chart__svg--narrow") ? " (hẹp)" : "")
    const view = svg.viewBox.baseVal
    const toSvg = svg.getScreenCTM().inverse()
    const drawn = [...svg.querySelectorAll("text")].filter(t => t.getBoundingClientRect().width > 0)
    const boxes = drawn.map(t => {
      const r = t.getBoundingClientRect()
      const a = new DOMPoint(r.left, r.top).matrixTransform(toSvg)
      const b = new DOMPoint(r.right, r.bottom).matrixTransform(toSvg)
      return { text: t.textContent, x0: a.x + 0.5, y0: a.y + 0.5, x1: b.x - 0.5, y1: b.y - 0.5 }
    })
    const segments = []
    for (const line of svg.querySelectorAll("polyline")) {
      const p = [...line.points]
      for (let i = 1; i < p.length; i++) segments.push(["đường", p[i - 1].x, p[i - 1].y, p[i].x, p[i].y])
    }
    for (const line of svg.querySelectorAll("line.chart__rule, line.chart__version"))
      segments.push([line.getAttribute("class"), line.x1.baseVal.value, line.y1.baseVal.value,
        line.x2.baseVal.value, line.y2.baseVal.value])
    const dots = [...svg.querySelectorAll("circle")].map(c => {
      const r = c.r.baseVal.value
      const x = c.cx.baseVal.value, y = c.cy.baseVal.value
      return { x0: x - r, y0: y - r, x1: x + r, y1: y + r }
    })
    const meet = (a, b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
    const crosses = (b, [, ax, ay, bx, by]) => {
      let low = 0, high = 1
      const dx = bx - ax, dy = by - ay
      for (const [p, q] of [[-dx, ax - b.x0], [dx, b.x1 - ax], [-dy, ay - b.y0], [dy, b.y1 - ay]]) {
        if (p === 0) { if (q < 0) return false; continue }
        const t = q / p
        if (p < 0) low = Math.max(low, t); else high = Math.min(high, t)
        if (low > high) return false
      }
      return true
    }
    boxes.forEach((a, i) => {
      if (a.x0 < view.x - 1 || a.y0 < view.y - 1 || a.x1 > view.x + view.width + 1 || a.y1 > view.y + view.height + 1)
        found.push(`${name}: "${a.text}" ra ngoài biểu đồ`)
      boxes.slice(i + 1).forEach(b => { if (meet(a, b)) found.push(`${name}: "${a.text}" chạm "${b.text}"`) })
      segments.forEach(s => { if (crosses(a, s)) found.push(`${name}: ${s[0]} cắt "${a.text}"`) })
      dots.forEach(d => { if (meet(a, d)) found.push(`${name}: điểm chạm "${a.text}"`) })
    })
  }
  return [shown.length, found]
}"""

# The contrast of the line and the points with the page, in the palette shown.
CONTRAST = """() => {
  const rgb = text => text.match(/[\\d.]+/g).slice(0, 3).map(Number)
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0)
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05) }
  const page = rgb(getComputedStyle(document.body).backgroundColor)
  const shown = [...document.querySelectorAll("figure.chart svg")].filter(svg => svg.getBoundingClientRect().width > 0)
  const mark = shown.map(svg => svg.querySelector(".chart__point")).find(Boolean)
  const line = shown.map(svg => svg.querySelector(".chart__line")).find(Boolean)
  if (!mark || !line) return null
  return [ratio(rgb(getComputedStyle(mark).fill), page), ratio(rgb(getComputedStyle(line).stroke), page)]
}"""


def chart_pages(base: str) -> list[str]:
    """The results page and every field's page of a served site."""
    index = urllib.request.urlopen(base + "linh-vuc/").read().decode("utf-8")
    return ["ket-qua/", *(f"linh-vuc/{n}/" for n in sorted(set(re.findall(r'href="(\d+)/"', index)), key=int))]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", ["seed", "other-agency", "reorganised-agency", "generated"])
def test_no_chart_label_meets_anything(
    browser: Browser, data_sets: dict[str, str], name: str, width: int, scheme: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500, color_scheme=scheme)
    page = context.new_page()
    problems, charts = [], 0
    for path in chart_pages(data_sets[name]):
        url = data_sets[name] + path
        page.goto(url)
        palette = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert palette == {"light": "default", "dark": "slate"}[scheme]
        shown, found = page.evaluate(COLLISIONS)
        charts += shown
        problems += [f"{url}: {f}" for f in found]
        contrast = page.evaluate(CONTRAST)
        if contrast:
            point, line = contrast
            assert point >= 3 and line >= 3, f"{url}: contrast {point:.2f} (points), {line:.2f} (line)"
    context.close()
    assert charts >= 3, name  # the results page's charts and the fields': not an empty check
    assert not problems, "\n".join(problems)
