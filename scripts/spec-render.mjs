// The generated tables' layout: compact where it stays readable, so a table reads like the
// spec it came from. Shared by scripts/gen-specs.mjs and anything that rewrites a table.
export function render(value, indent = '') {
  // Compact where it stays readable: short arrays and objects of scalars on one line.
  const one = JSON.stringify(value);
  if (one.length <= 110 - indent.length) return one.replace(/"([a-zA-Z_$][\w$]*)":/g, '$1: ').replace(/,(?=["\d\[{a-z])/g, ', ');
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + render(v, inner)).join(',\n')},\n${indent}]`;
  const keys = Object.keys(value);
  return `{\n${keys.map((k) => `${inner}${/^[a-zA-Z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${render(value[k], inner)}`).join(',\n')},\n${indent}}`;
}
