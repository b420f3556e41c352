// What axe reports against Scalar's own markup on /docs/api and /docs/realtime (@scalar/api-reference 1.76.0)
// that neither its configuration nor CSS can fix (colours are fixed in components/docs/scalar-overrides.css).
// Each entry is one rule on one kind of element, matched node by node; any other violation still fails.
import type { AxeResults } from "axe-core";

export const SCALAR_AXE_EXCLUSIONS: { rule: string; html: RegExp; why: string }[] = [
  {
    rule: "aria-required-attr",
    html: /class="[^"]*\bcode-input-lite__editor\b/,
    why: "Scalar's one-line inputs (auth values, cookie/header/query keys and values) are contenteditable divs with role=combobox and aria-autocomplete=list but no aria-expanded / aria-controls.",
  },
  {
    rule: "aria-input-field-name",
    html: /class="[^"]*\bcm-content\b/,
    why: "The request body editor of the \"try it\" dialog is a CodeMirror 6 editor (role=textbox) that Scalar mounts without an accessible name.",
  },
  {
    rule: "aria-prohibited-attr",
    html: /id="headlessui-popover-button-/,
    why: "A Headless UI popover trigger in the \"try it\" dialog's address bar carries aria-label on an element whose role does not allow it.",
  },
  {
    rule: "aria-valid-attr-value",
    html: /aria-label="Copy code"[^>]*aria-controls="scalar-client-|aria-controls="scalar-client-[^"]*"[^>]*aria-label="Copy code"/,
    why: "The \"Copy code\" button of the dialog's code snippet points aria-controls at an id (scalar-client-…) that is not in the document.",
  },
];

/** The violations left once the documented Scalar ones are taken out (node by node). */
export function withoutScalarExclusions(violations: AxeResults["violations"]): AxeResults["violations"] {
  return violations
    .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !SCALAR_AXE_EXCLUSIONS.some((x) => x.rule === v.id && x.html.test(n.html))) }))
    .filter((v) => v.nodes.length > 0);
}
