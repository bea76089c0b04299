// Stands in for html-to-text in the bundle. azext-utils' parseError calls `convert` only for an error message that
// contains "<html" (an HTML error page, e.g. from a proxy), to show it as text. The real package brings htmlparser2
// and entities' tables (~170 KB minified, about a third of what the VSIX limit leaves for code); this keeps the part
// that matters for an error message: the page's visible text, one block per line, entities decoded.
const NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const BLOCK = /<\/?(?:p|div|h[1-6]|li|ul|ol|tr|table|thead|tbody|section|article|header|footer|main|pre|blockquote|title|dd|dt|dl|hr)\b[^>]*>/gi;

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name) => {
    if (name[0] !== '#') return NAMED[name.toLowerCase()] ?? entity;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

/** The visible text of an HTML page; the options of html-to-text are accepted and ignored. */
function convert(html) {
  const text = String(html)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(BLOCK, '\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .replace(/[ \t\r\f\v]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

module.exports = { convert, htmlToText: convert };
