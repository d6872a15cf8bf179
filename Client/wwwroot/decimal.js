// Exact arithmetic on the API's decimal strings ("65000.5"): values become BigInt counts of 10^-scale, so sums and
// comparisons of prices and sizes are exact. Numbers (floats) appear only as pixel positions in the chart.
"use strict";
const Decimal = {
  scaleOf(text) {
    const dot = text.indexOf(".");
    return dot < 0 ? 0 : text.length - dot - 1;
  },
  // text -> BigInt units of 10^-scale (scale must be at least the text's own number of decimals)
  units(text, scale) {
    const negative = text.startsWith("-");
    const digits = negative ? text.slice(1) : text;
    const [whole, fraction = ""] = digits.split(".");
    const value = BigInt(whole + fraction.padEnd(scale, "0"));
    return negative ? -value : value;
  },
  // BigInt units -> decimal text without trailing zeros
  text(units, scale) {
    const negative = units < 0n;
    let digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
    let text = scale === 0 ? digits : digits.slice(0, digits.length - scale) + "." + digits.slice(digits.length - scale);
    if (scale > 0) text = text.replace(/0+$/, "").replace(/\.$/, "");
    return (negative ? "-" : "") + text;
  },
  compare(a, b) {
    const scale = Math.max(Decimal.scaleOf(a), Decimal.scaleOf(b));
    const x = Decimal.units(a, scale), y = Decimal.units(b, scale);
    return x < y ? -1 : x > y ? 1 : 0;
  },
};
