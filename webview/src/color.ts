/** Colour arithmetic for canvas charts (CSS variables give colours as hex or rgb()). */

/** `color` with its alpha multiplied by `alpha` (hex and rgb() forms; others are returned as they are). */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let r: number,
    g: number,
    b: number,
    a = 1;
  const hex = /^#([0-9a-f]{3,8})$/i.exec(c)?.[1];
  if (hex && (hex.length === 3 || hex.length === 4)) {
    [r, g, b] = [0, 1, 2].map((i) => parseInt((hex[i] as string) + (hex[i] as string), 16)) as [
      number,
      number,
      number,
    ];
    if (hex.length === 4) a = parseInt((hex[3] as string) + (hex[3] as string), 16) / 255;
  } else if (hex && (hex.length === 6 || hex.length === 8)) {
    [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
    if (hex.length === 8) a = parseInt(hex.slice(6, 8), 16) / 255;
  } else {
    const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(c);
    if (!m) return color;
    [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (m[4] !== undefined) a = m[4].endsWith('%') ? parseFloat(m[4]) / 100 : Number(m[4]);
  }
  return `rgba(${r}, ${g}, ${b}, ${+(a * alpha).toFixed(3)})`;
}
