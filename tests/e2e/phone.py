"""What the phone-first browser tests check on every page they visit (issue 14, "How to hold it").

One place for the helpers, so a change of the app's markup is adapted here only:

- ``phone_context``: a 360×740 phone (device scale 2, touch) reading Kyrgyz;
- ``assert_no_horizontal_overflow``, ``assert_first_error_visible``, ``axe_violations``: the checks;
- ``page_weight``: the bytes a page load transfers;
- ``shot``: screenshots at 360 and 1280 px into test-artifacts/;
- ``Checks``: runs the chosen checks on each page of a journey and fails once, with every finding;
- ``editor_form``: the editor's form holding a field, wherever the editor puts it (one long page
  today, steps after issue 14).
"""
import re
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]
# The app's vendored copy first (issue 14 vendors it there), else the tests' own copy.
AXE_PATHS = [ROOT / "app/static/vendor/axe/axe.min.js", Path(__file__).resolve().parent / "vendor/axe.min.js"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# What marks an error after a failed submit: a summary, a form's errors, a field's error or an
# invalid control (app/templates/macros/forms.html), an error flash.
ERROR_SELECTOR = ('.error-summary, [class*="errors-summary"], .form-errors, .flash-error, .has-error, '
                  '.field-error, [aria-invalid="true"]')


def phone_context(browser, locale="ky"):
    """A fresh context (own cookies, empty cache) as a 360×740 phone whose browser asks for `locale`.
    Requests leaving 127.0.0.1 (map tiles) are refused: the tests run offline."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale=locale,
        extra_http_headers={"Accept-Language": locale},
    )
    context.set_default_timeout(15000)
    context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    return context


# ---------------------------------------------------------------- the checks

# The brief's measure is `scrollWidth <= innerWidth + 1`; on an emulated phone (is_mobile) chromium
# widens the layout viewport to the content, so innerWidth grows with the overflow (a 900 px div gives
# innerWidth 908). The viewport's own width, documentElement.clientWidth (360), is the measure then.
_OVERFLOW = """() => {
  const viewport = Math.min(window.innerWidth, document.documentElement.clientWidth);
  const limit = viewport + 1;
  const width = document.documentElement.scrollWidth;
  if (width <= limit) return null;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('');
  const path = el => { const parts = []; for (; el && el !== document.body; el = el.parentElement) parts.unshift(name(el)); return parts.join(' > '); };
  let widest = null, right = -1;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= limit) continue;
    // the right-most edge; on a tie the deeper element (later in document order) names the culprit
    if (r.right >= right) { widest = el; right = r.right; }
  }
  return {width, innerWidth: viewport,
          element: widest ? path(widest) : '?', right: Math.round(right),
          text: widest ? (widest.innerText || widest.outerHTML).replace(/\\s+/g, ' ').slice(0, 80) : ''};
}"""


def horizontal_overflow(page):
    """None, or what sticks out sideways: the page's scroll width and the element reaching furthest right."""
    found = page.evaluate(_OVERFLOW)
    if found is None:
        return None
    return (f"{page.url}: scrollWidth {found['width']} > viewport width {found['innerWidth']}; "
            f"widest: {found['element']} (right edge {found['right']} px) «{found['text']}»")


def assert_no_horizontal_overflow(page):
    problem = horizontal_overflow(page)
    assert problem is None, problem


_FIRST_ERROR = """(selector) => {
  // The page may open on the first invalid field (autofocus): then that field is the first error seen.
  const focused = document.activeElement;
  const el = focused && focused.matches('[aria-invalid="true"]') ? focused : document.querySelector(selector);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return {top: Math.round(r.top), bottom: Math.round(r.bottom), height: window.innerHeight,
          scrollY: Math.round(window.scrollY), visible: r.bottom > 0 && r.top < window.innerHeight,
          element: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + [...el.classList].map(c => '.' + c).join(''),
          text: (el.innerText || el.getAttribute('name') || '').replace(/\\s+/g, ' ').slice(0, 80)};
}"""


def first_error_out_of_view(page):
    """None if the first error the reader meets is inside the viewport, else why not: the invalid field
    the page opened focused on, or else the first error mark of the page (document order)."""
    page.wait_for_load_state("load")
    try:  # a page that opens on its first invalid field focuses it as it loads: give it the moment
        page.wait_for_function("document.activeElement && document.activeElement.matches('[aria-invalid=\"true\"]')",
                               timeout=2000)
    except PlaywrightTimeoutError:
        pass  # no field is focused: the first error mark decides
    found = page.evaluate(_FIRST_ERROR, ERROR_SELECTOR)
    if found is None:
        return f"{page.url}: no error is shown at all"
    if found["visible"]:
        return None
    return (f"{page.url}: the first error {found['element']} «{found['text']}» is at {found['top']} px "
            f"(viewport {found['height']} px high, scrolled {found['scrollY']} px)")


def assert_first_error_visible(page):
    problem = first_error_out_of_view(page)
    assert problem is None, problem


_axe_source = None


def axe_source():
    global _axe_source
    if _axe_source is None:
        path = next((p for p in AXE_PATHS if p.exists()), None)
        assert path, f"axe.min.js is in none of {[str(p) for p in AXE_PATHS]}"
        _axe_source = path.read_text(encoding="utf-8")
    return _axe_source


_AXE_RUN = """async (impacts) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 120)})),
  }));
}"""


def axe_violations(page, impacts=("critical", "serious")):
    """axe-core's violations of the given impacts on the page as it is now, one line per element.
    axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy allows."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source() + "\n;undefined")
    found = page.evaluate(_AXE_RUN, list(impacts))
    return [f"{page.url}: {v['id']} ({v['impact']}: {v['help']}) at {node['target']} — {node['html']}"
            for v in found for node in v["nodes"]]


def page_weight(page, url):
    """Load `url` in `page` (give it a fresh context: an empty cache) and return (bytes, [(bytes, url)]):
    what each response transferred — its Content-Length, else the body size the browser saw."""
    responses = []

    def keep(response):
        responses.append(response)

    page.on("response", keep)
    try:
        page.goto(url, wait_until="networkidle")
    finally:
        page.remove_listener("response", keep)
    items = []
    for response in responses:
        length = response.headers.get("content-length")
        if length is None:
            sizes = response.request.sizes()
            length = sizes.get("responseBodySize") or len(response.body())
        items.append((int(length), response.url))
    return sum(size for size, _ in items), sorted(items, reverse=True)


def shot(page, name):
    """Full-page screenshots of the page at 360 px and at 1280 px: test-artifacts/<name>-360.png, -1280.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(ARTIFACTS / f"{name}-360.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}-1280.png"), full_page=True)
    finally:
        page.set_viewport_size(size)


class Checks:
    """Runs the chosen checks ("overflow", "axe", "errors", "shots") on every page a journey shows,
    keeps every finding and fails once at the end with all of them."""

    def __init__(self, name, *kinds):
        self.name, self.kinds, self.findings, self.pages, self.step = name, set(kinds), [], [], 0

    def look(self, page, step):
        """A page the journey shows: check it as it is now."""
        page.wait_for_load_state("load")
        self.pages.append(page.url)
        self.step += 1
        if "overflow" in self.kinds:
            problem = horizontal_overflow(page)
            if problem:
                self.findings.append(f"[{step}] {problem}")
        if "axe" in self.kinds:
            self.findings += [f"[{step}] {v}" for v in axe_violations(page)]
        if "shots" in self.kinds:
            shot(page, f"{self.name}-{self.step:02d}-{step}")

    def failed_submit(self, page, step):
        """A page after a submit that had to fail: its first error is in view, and it is a page like any other."""
        if "errors" in self.kinds:
            problem = first_error_out_of_view(page)
            if problem:
                self.findings.append(f"[{step}] {problem}")
        self.look(page, step)

    def assert_clean(self):
        print(f"\n{self.name}: {len(self.pages)} pages checked for {sorted(self.kinds)}")
        assert not self.findings, f"{len(self.findings)} findings:\n" + "\n".join(self.findings)


# ---------------------------------------------------------------- the project editor, wherever it puts a form

def project_id_from(url):
    found = re.search(r"/projects/(\d+)", url)
    assert found, f"no project in {url}"
    return int(found.group(1))


def editor_form(page, base, project_id, selector):
    """The editor's form containing or matching `selector` (a field such as [name='funds-title'], or
    form[action$='/submit']): on the page shown,
    else on the project's editor page (/projects/<id>/manage), else on one of the editor's pages it links to
    (its steps). The page is left showing that form."""
    def here():
        return page.locator(f"main form:has({selector}), main form:is({selector})")

    if here().count():
        return here().first
    page.goto(f"{base}/projects/{project_id}/manage")
    if here().count():
        return here().first
    prefix = f"/projects/{project_id}/"
    links = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    seen = set()
    for href in links:
        path = re.sub(r"^https?://[^/]+", "", href).split("#")[0]
        if not path.startswith(prefix) or path in seen or "/updates" in path or path.rstrip("/") == prefix.rstrip("/"):
            continue
        seen.add(path)
        page.goto(base + path)
        if here().count():
            return here().first
    raise AssertionError(f"no editor page of project {project_id} has a form with {selector} (looked at {sorted(seen)})")


def expect_language(page, locale="ky"):
    """The page is served in the language the journey reads (a missing catalog would show English)."""
    expect(page.locator("html")).to_have_attribute("lang", locale)


def submit_form(form):
    """Press the form's own submit button and wait for the page it leads to."""
    with form.page.expect_navigation():
        form.locator("[type=submit]").first.click()


def expect_saved(page):
    """A successful submit: a success message and no invalid field."""
    expect(page.locator(".flash-success").first).to_be_visible()
    invalid = page.locator('[aria-invalid="true"]')
    assert invalid.count() == 0, f"{page.url}: invalid fields after a save: {invalid.evaluate_all('els => els.map(e => e.name)')}"
