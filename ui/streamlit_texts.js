// No less-than sign anywhere: Streamlit's sanitizer drops a script whose text holds one before a letter.
// Streamlit's own English, said in the language shown (ui/streamlit_texts.py writes SPIRALE_TEXTS per run).
// Streamlit 1.67 takes no text for its screen-reader names, tooltips, "Page not found" dialog or date fields'
// placeholders: they are rewritten in the page as Streamlit draws them; the page's lang attribute follows.
// Each node keeps the English it came with, so switching back to English restores it; a text of ours or a
// person's never matches (Markdown, tables, options, tags and fields are left alone).
(() => {
  const config = SPIRALE_TEXTS;
  config.patterns = config.patterns.map(([source, template]) => [new RegExp(source), template]);
  window.__spiraleTexts = config;
  document.documentElement.lang = config.lang;
  if (window.__spiraleFix) { // installed by an earlier run: the same memory of English, the new words
    window.__spiraleFix(document.body);
    return;
  }
  const ATTRIBUTES = ["aria-label", "title", "placeholder", "data-title", "aria-valuetext"];
  const SELECTOR = ATTRIBUTES.map((name) => `[${name}]`).join(",");
  const PEOPLES_TEXT = '[data-testid="stMarkdownContainer"], [role="grid"], [role="option"], [data-baseweb="tag"], '
    + 'textarea, input, [data-testid="stCode"], .js-plotly-plot .main-svg';
  const sources = new WeakMap(); // node -> {attribute or "#text": [English source, what we wrote]}

  const say = (english) => {
    const cfg = window.__spiraleTexts;
    if (Object.prototype.hasOwnProperty.call(cfg.words, english)) return cfg.words[english];
    for (const [source, template] of cfg.patterns) {
      const found = english.match(source);
      if (found) return template.replace("{label}", () => found[1]);
    }
    return english;
  };

  const rewrite = (node, slot, current, write) => {
    const kept = sources.get(node) || {};
    const english = kept[slot] && kept[slot][1] === current ? kept[slot][0] : current;
    const wanted = say(english);
    if (english !== current || wanted !== current) {
      kept[slot] = [english, wanted];
      sources.set(node, kept);
      if (wanted !== current) write(wanted);
    }
  };

  const fixElement = (element) => {
    const named = element.closest('[data-baseweb="tag"], [role="option"]'); // a chosen name, as its title
    for (const name of ATTRIBUTES) {
      if (named && name === "title") continue;
      const value = element.getAttribute(name);
      if (value && value.trim()) rewrite(element, name, value, (text) => element.setAttribute(name, text));
    }
  };

  const fixText = (node) => {
    const parent = node.parentElement;
    const value = node.nodeValue;
    if (!parent || !value || !value.trim() || parent.closest(PEOPLES_TEXT)) return;
    const date = parent.getAttribute("data-placeholder") === "true" && parent.getAttribute("data-type");
    if (date) { // a date field's empty part: "jj" / "aaaa" in French
      const part = window.__spiraleTexts.dates[value];
      if (part && part !== value) node.nodeValue = part;
      return;
    }
    rewrite(node, "#text", value.trim(), (text) => { node.nodeValue = text; });
  };

  const fix = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return fixText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixElement(root);
    root.querySelectorAll(SELECTOR).forEach(fixElement);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) fixText(node);
  };

  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "attributes") fixElement(m.target);
      else if (m.type === "characterData") fixText(m.target);
      else m.addedNodes.forEach(fix);
    }
  }).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES,
  });
  window.__spiraleFix = fix;
  fix(document.body);
})();
