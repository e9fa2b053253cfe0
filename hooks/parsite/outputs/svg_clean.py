"""An SVG emblem, parsed and rebuilt from an allowlist: what the site publishes at assets/bieu-trung.svg.

An SVG is a program: opened at its own address it runs its scripts, event handlers and
`javascript:` links on the site's origin. A regex on the bytes cannot tell, because the
same element can be written `<s:script xmlns:s="http://www.w3.org/2000/svg">` and a
`javascript:` URL as `&#106;avascript:`. So the file is parsed (defusedxml: no DOCTYPE, no
entities), every element and attribute is judged by its namespace-resolved name after the
parser decoded the references, and a new file is written from what passed:

- SVG elements of static graphics (ELEMENTS) are kept; scripts, animations (which can set
  an `href` to code), foreignObject, HTML elements, links (`a`) are refused; an unknown SVG
  element is refused too, so nothing visible is lost without a word.
- Attributes: geometry and presentation (ATTRIBUTES), `xml:space`/`xml:lang`, and `href` or
  `xlink:href` pointing inside the file (`#id`; on `image`, a PNG/JPEG/GIF/WebP data URL).
  `on*` handlers are refused, and so is CSS (the `style` element, `style` and presentation
  attributes) with `url()` other than `url(#id)`, `@import`, `expression(`, `javascript:`
  or a backslash (CSS escapes hide the rest), looked for with spaces and controls removed
  and case folded.
- Editors' own namespaces (Inkscape, Sodipodi, RDF metadata, ...) are not drawn by browsers:
  dropped, with comments and processing instructions.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from ..problems import shorten

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
XHTML = "http://www.w3.org/1999/xhtml"

# Filter primitives draw from the picture itself; not feImage, which loads an address.
_FILTERS = """feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur feMerge
feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence"""
ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "switch", "path", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "text", "tspan", "textPath", "title", "desc", "linearGradient", "radialGradient", "stop",
    "clipPath", "mask", "pattern", "marker", "image", "style", "filter", *_FILTERS.split(),
}  # fmt: skip
_NOT_DRAWN = {"metadata"}  # judged with its content, then dropped
# What is wrong, as the predicate of "tệp data/x.svg ...".
CODE = "chứa mã chạy được"
ANIMATION = "chứa hoạt ảnh, có thể dùng để đổi liên kết thành mã chạy được"
EMBEDDED = "chứa nội dung HTML nhúng"
LINK = "chứa liên kết hoặc tài nguyên ngoài tệp"
ESCAPE = "chứa ký tự thoát \\ trong CSS"
UNKNOWN = "chứa phần tử hoặc thuộc tính SVG không được hỗ trợ"
_REFUSED = {
    "script": CODE, "handler": CODE, "listener": CODE, "a": LINK, "foreignObject": EMBEDDED, "iframe": EMBEDDED,
    "embed": EMBEDDED, "object": EMBEDDED, "audio": EMBEDDED, "video": EMBEDDED, "canvas": EMBEDDED,
    **dict.fromkeys(
        ("set", "animate", "animateTransform", "animateMotion", "animateColor", "discard", "mpath"), ANIMATION
    ),
}  # fmt: skip
_PRESENTATION = """alignment-baseline baseline-shift clip clip-path clip-rule color color-interpolation
color-interpolation-filters color-profile color-rendering cursor direction display dominant-baseline
enable-background fill fill-opacity fill-rule filter flood-color flood-opacity font font-family font-size
font-size-adjust font-stretch font-style font-variant font-weight glyph-orientation-horizontal
glyph-orientation-vertical image-rendering isolation kerning letter-spacing lighting-color marker marker-end
marker-mid marker-start mask mask-type mix-blend-mode opacity overflow paint-order pointer-events
shape-rendering stop-color stop-opacity stroke stroke-dasharray stroke-dashoffset stroke-linecap
stroke-linejoin stroke-miterlimit stroke-opacity stroke-width text-anchor text-decoration text-rendering
transform-origin unicode-bidi vector-effect visibility white-space word-spacing writing-mode"""
_GEOMETRY = """id class lang role aria-label aria-hidden aria-labelledby aria-describedby version baseProfile
width height x y viewBox preserveAspectRatio zoomAndPan transform x1 y1 x2 y2 cx cy r rx ry fx fy fr d
points pathLength gradientUnits gradientTransform spreadMethod offset patternUnits patternContentUnits
patternTransform clipPathUnits maskUnits maskContentUnits markerUnits markerWidth markerHeight refX refY
orient dx dy rotate textLength lengthAdjust startOffset method spacing side systemLanguage requiredFeatures
requiredExtensions type media title filterUnits primitiveUnits filterRes in in2 result stdDeviation mode
values operator k1 k2 k3 k4 kernelMatrix order divisor bias targetX targetY edgeMode kernelUnitLength
preserveAlpha surfaceScale diffuseConstant specularConstant specularExponent scale xChannelSelector
yChannelSelector azimuth elevation z pointsAtX pointsAtY pointsAtZ limitingConeAngle radius baseFrequency
numOctaves seed stitchTiles tableValues slope intercept amplitude exponent"""
ATTRIBUTES = {*_PRESENTATION.split(), *_GEOMETRY.split(), "style", "href", "xlink:href", "xml:space", "xml:lang"}
MAX_DEPTH = 100  # editors nest groups a dozen deep; a bomb of nested <g> would exhaust the recursion
SHOWN = 10  # places listed in a message; the rest are counted
_JUDGED = ELEMENTS | _NOT_DRAWN | set(_REFUSED)  # SVG elements whose attributes are looked at

_FRAGMENT = re.compile(r"#[A-Za-z_][\w.:-]*")
_IMAGE_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*", re.I)
_CSS_URL = re.compile(r"""url\((?!(["']?)#[\w.:-]+\1\))""")  # on folded text: url(#id) only
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_START_TAG = re.compile(rb"""<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)""")
_ATTRIBUTE_NAME = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"[^"]*"|'[^']*')""")


@dataclass(frozen=True)
class Finding:
    """One thing refused in an SVG file: what (a predicate, e.g. CODE) and where ("phần tử script, dòng 3")."""

    kind: str
    place: str


def refusal(name: str, findings: list[Finding]) -> str:
    """The message for a refused file: places grouped by what is wrong, at most SHOWN of them."""
    groups: dict[str, list[str]] = {}
    for finding in findings[:SHOWN]:
        groups.setdefault(finding.kind, []).append(finding.place)
    text = ", ".join(f"{kind} ({'; '.join(places)})" for kind, places in groups.items())
    more = f" và {len(findings) - SHOWN} chỗ khác" if len(findings) > SHOWN else ""
    return f"tệp data/{name} {text}{more}; hãy dùng ảnh SVG tĩnh hoặc PNG"


def clean_svg(content: bytes) -> tuple[bytes | None, list[Finding]]:
    """The SVG rebuilt from the allowlist (None when anything is refused), and every refusal found."""
    builder = _Builder(content)
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(content)
        root = parser.close()
    except ParseError as error:
        line, column = error.position
        return None, [Finding("không đọc được như XML", f"dòng {line}, cột {column + 1}")]
    except DefusedXmlException:
        return None, [Finding("có khai báo DOCTYPE hoặc ENTITY, không được phép", f"dòng {builder.line()}")]
    except _TooDeep:
        return None, [Finding(f"lồng phần tử quá sâu (quá {MAX_DEPTH} mức)", f"dòng {builder.line()}")]
    if root.tag != f"{{{SVG}}}svg":
        place = f'phần tử gốc là {builder.element_name(root)}, cần svg với xmlns="{SVG}"'
        return None, [Finding("không phải ảnh SVG", place)]
    findings: list[Finding] = []
    out = _copy(root, builder, findings)
    if findings or out is None:
        return None, findings
    out.attrib = {"xmlns": SVG, "xmlns:xlink": XLINK, **out.attrib}
    return ET.tostring(out, encoding="utf-8", xml_declaration=True), []


class _TooDeep(Exception):
    pass


class _Builder(ET.TreeBuilder):
    """A TreeBuilder that records each element's line and its name and attributes as written."""

    def __init__(self, content: bytes) -> None:
        super().__init__()  # comments and processing instructions are not kept
        self.content = content
        self.expat: Any = None  # the expat parser, set once the parser around this builder exists
        self.depth = 0
        self.lines: dict[ET.Element, int] = {}
        self.written: dict[ET.Element, tuple[str, list[str]]] = {}

    def line(self) -> int:
        return self.expat.CurrentLineNumber if self.expat else 0

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:  # type: ignore[override]
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep
        element = super().start(tag, attrs)
        self.lines[element] = self.line()
        match = _START_TAG.match(self.content, self.expat.CurrentByteIndex) if self.expat else None
        name = match[1].decode("utf-8", "replace") if match else ""
        if name.rpartition(":")[2] == _split(tag)[1]:  # else (UTF-16...) the resolved names are shown
            names = [n.decode("utf-8", "replace") for n in _ATTRIBUTE_NAME.findall(match[2])]  # type: ignore[index]
            self.written[element] = (name, names)
        return element

    def end(self, tag: str) -> ET.Element:
        self.depth -= 1
        return super().end(tag)

    def element_name(self, element: ET.Element) -> str:
        return self.written[element][0] if element in self.written else _readable(element.tag)

    def attribute_name(self, element: ET.Element, key: str) -> str:
        namespace, local = _split(key)
        for written in self.written.get(element, ("", []))[1]:
            if (written == local) if namespace is None else written.endswith(f":{local}"):
                return written
        return _readable(key)


def _split(name: str) -> tuple[str | None, str]:
    return tuple(name[1:].split("}", 1)) if name.startswith("{") else (None, name)  # type: ignore[return-value]


def _readable(name: str) -> str:
    namespace, local = _split(name)
    prefix = {None: "", SVG: "", XLINK: "xlink:", XML: "xml:"}.get(namespace)
    return f"{prefix}{local}" if prefix is not None else name


def _copy(element: ET.Element, builder: _Builder, findings: list[Finding]) -> ET.Element | None:
    """The element as published (None when dropped); every refusal inside it goes to `findings`."""
    namespace, local = _split(element.tag)
    place = f"phần tử {builder.element_name(element)}, dòng {builder.lines.get(element, 0)}"
    kept = namespace == SVG and local in ELEMENTS
    if namespace == SVG and local in _REFUSED:
        findings.append(Finding(_REFUSED[local], place))
    elif namespace == XHTML:  # an HTML element runs in an SVG document too (<h:script>)
        findings.append(Finding(_REFUSED.get(local, EMBEDDED), place))
    elif namespace == SVG and local not in _JUDGED:
        findings.append(Finding(UNKNOWN, place))
    out = ET.Element(local) if kept else None
    if namespace == SVG and local in _JUDGED:
        for key, value in element.attrib.items():
            written = builder.attribute_name(element, key)
            kind, name, value = _judge_attribute(local, key, value)
            if kind and (kept or local in _NOT_DRAWN or kind == CODE):  # a refused element: say if it holds code
                findings.append(Finding(kind, f'thuộc tính {written}="{_quoted(value)}" ở {place}'))
            elif name and out is not None:
                out.set(name, value)
        if local == "style" and (kind := _css_problem("".join(element.itertext()))):
            findings.append(Finding(kind, f"CSS trong {place}"))
    if out is not None:
        out.text = element.text
    for child in element:
        copied = _copy(child, builder, findings)
        if out is None:
            continue
        if copied is not None:
            out.append(copied)
            copied.tail = child.tail
        elif child.tail:  # the text after a dropped element still belongs to its parent
            if len(out):
                out[-1].tail = (out[-1].tail or "") + child.tail
            else:
                out.text = (out.text or "") + child.tail
    return out


def _judge_attribute(element: str, key: str, value: str) -> tuple[str | None, str | None, str]:
    """(what is wrong or None, the name to publish it under or None to drop it, the value)."""
    namespace, local = _split(key)
    if local == "href" and namespace in (None, XLINK):
        value = value.strip()
        allowed = _IMAGE_DATA if element == "image" else _FRAGMENT
        if not allowed.fullmatch(value):
            return (CODE if "javascript:" in _folded(value) else LINK), None, value
        return None, "xlink:href" if namespace else "href", value
    if namespace == XML:
        return None, (f"xml:{local}" if local in ("space", "lang") else None), value
    unknown = namespace is None and local not in ATTRIBUTES and not local.startswith("data-")
    if unknown or namespace in (SVG, XHTML):  # <rect s:onload=...> is not drawn, but looks like code
        active = local.lower().startswith("on") or _css_problem(value) == CODE  # <set to="javascript:...">
        return (CODE if active else UNKNOWN), None, value
    if namespace is not None or local.startswith("data-"):
        return None, None, value  # an editor's attribute: not drawn
    return _css_problem(value), local, value


def _css_problem(text: str) -> str | None:
    """What is active in a piece of CSS (or any attribute value), looked for as a browser would read it."""
    folded = _folded(text)
    for variant in (folded, _CSS_COMMENT.sub("", folded)):
        if "javascript:" in variant or "vbscript:" in variant or "expression(" in variant:
            return CODE
        if "\\" in variant:
            return ESCAPE
        if "@import" in variant or _CSS_URL.search(variant) or re.search(r"image-set\(|image\(|src\(", variant):
            return LINK
    return None


def _folded(text: str) -> str:
    """`text` without spaces, controls and invisible format characters, case folded (`Java\\tScript:`)."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf")).casefold()


def _quoted(value: str) -> str:
    return shorten("".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in value))
