// The status page: every market's mode, best bid and ask, last price, depth and recent trades, kept live from the
// gateway's public WebSocket channels (book: a snapshot then sequenced deltas; trades); for a market that follows an
// index, the index, its status and each feed's (channel index), and the mark and margin multipliers from the market's
// terms (re-read every few seconds); the circuit breaker's state, band, countdown to the reopen and, while paused, the
// auction's indicative price (GET .../breaker, re-read with the terms). A banner says when an index runs on simulated
// feeds, and a link leads to the latest stress report when the gateway serves one. Plain script, no build step.
"use strict";

const RecentTrades = 20, ChartLevels = 50, Width = 600, Height = 180;
const TermsRefreshMs = 3000;
const markets = new Map(); // symbol -> { bids, asks (Map price text -> size text), sequence, mode, trades, element, spec, breaker }
const indices = new Map(); // index name -> its latest view (GET /api/v1/indices/{index})

async function start() {
  const list = await (await fetch("/api/v1/markets")).json();
  const main = document.getElementById("markets");
  main.textContent = "";
  if (list.length === 0) main.textContent = "No markets yet.";
  for (const spec of list) {
    const element = document.getElementById("market-template").content.firstElementChild.cloneNode(true);
    element.dataset.market = spec.symbol;
    element.querySelector(".symbol").textContent = spec.symbol;
    main.appendChild(element);
    markets.set(spec.symbol, { bids: new Map(), asks: new Map(), sequence: -1, mode: spec.mode, trades: [], element, spec });
    render(spec.symbol);
  }
  connect();
  refreshTerms();
  setInterval(refreshTerms, TermsRefreshMs);
  setInterval(() => { for (const market of markets.values()) renderBreaker(market); }, 1000); // the countdown
}

/** The markets' terms (mark, index tick, multipliers, why in their mode) change without a book event: re-read them. */
async function refreshTerms() {
  try {
    for (const spec of await (await fetch("/api/v1/markets")).json()) {
      const market = markets.get(spec.symbol);
      if (!market) continue;
      market.spec = spec;
      try {
        market.breaker = await (await fetch(`/api/v1/markets/${encodeURIComponent(spec.symbol)}/breaker`)).json();
      } catch (error) {
        // shown as it was; the next refresh tries again
      }
      render(spec.symbol);
    }
  } catch (error) {
    // the next refresh tries again
  }
}

function connect() {
  const status = document.getElementById("connection");
  const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  socket.onopen = () => {
    status.textContent = "live";
    status.classList.add("live");
    for (const symbol of markets.keys()) {
      subscribe(socket, "book", symbol);
      subscribe(socket, "trades", symbol);
      loadTrades(symbol); // after subscribing, so no trade falls between the two
    }
    for (const index of new Set([...markets.values()].map(m => m.spec.index).filter(i => i))) {
      socket.send(JSON.stringify({ op: "subscribe", channel: "index", index }));
    }
  };
  socket.onmessage = event => handle(socket, JSON.parse(event.data));
  socket.onclose = () => {
    status.textContent = "reconnecting";
    status.classList.remove("live");
    setTimeout(connect, 2000); // the gateway restarted or dropped a slow client: start again from snapshots
  };
}

function subscribe(socket, channel, symbol) {
  socket.send(JSON.stringify({ op: "subscribe", channel, symbol }));
}

async function loadTrades(symbol) {
  const trades = await (await fetch(`/api/v1/markets/${encodeURIComponent(symbol)}/trades?limit=${RecentTrades}`)).json();
  for (const trade of trades) addTrade(symbol, trade);
  render(symbol);
}

function handle(socket, message) {
  if (message.type === "index") {
    indices.set(message.index, message.data);
    for (const [symbol, market] of markets) if (market.spec.index === message.index) render(symbol);
    renderBanner();
    return;
  }
  const market = markets.get(message.symbol);
  if (!market) return;
  switch (message.type) {
    case "snapshot":
      market.bids = new Map(message.bids);
      market.asks = new Map(message.asks);
      market.sequence = message.sequence;
      market.mode = message.mode;
      break;
    case "delta":
      if (message.prevSequence !== market.sequence) {
        // A gap: a new subscription answers with a fresh snapshot, which resets the book.
        socket.send(JSON.stringify({ op: "unsubscribe", channel: "book", symbol: message.symbol }));
        subscribe(socket, "book", message.symbol);
        return;
      }
      apply(market.bids, message.bids);
      apply(market.asks, message.asks);
      market.sequence = message.sequence;
      market.mode = message.mode;
      break;
    case "trade":
      addTrade(message.symbol, message);
      break;
    default:
      return;
  }
  render(message.symbol);
}

function apply(side, levels) {
  for (const [price, size] of levels) {
    if (size === "0") side.delete(price);
    else side.set(price, size);
  }
}

function addTrade(symbol, trade) {
  const trades = markets.get(symbol).trades;
  if (trades.some(t => t.tradeId === trade.tradeId)) return;
  trades.push({ tradeId: trade.tradeId, price: trade.price, size: trade.size, side: trade.side, time: trade.time });
  trades.sort((a, b) => b.tradeId - a.tradeId);
  trades.length = Math.min(trades.length, RecentTrades);
}

/** Levels best first: bids by price descending, asks ascending. */
function sorted(side, descending) {
  return [...side].sort((a, b) => descending ? Decimal.compare(b[0], a[0]) : Decimal.compare(a[0], b[0]));
}

function render(symbol) {
  const market = markets.get(symbol);
  const element = market.element;
  const bids = sorted(market.bids, true), asks = sorted(market.asks, false);
  element.querySelector(".mode").textContent = market.mode;
  element.querySelector(".best-bid").textContent = bids.length ? `${bids[0][0]} (${bids[0][1]})` : "–";
  element.querySelector(".best-ask").textContent = asks.length ? `${asks[0][0]} (${asks[0][1]})` : "–";
  element.querySelector(".last-price").textContent = market.trades.length ? market.trades[0].price : "–";
  element.querySelector(".sequence").textContent = market.sequence >= 0 ? String(market.sequence) : "–";
  renderPricing(market);
  renderBreaker(market);
  drawDepth(element.querySelector(".depth"), bids.slice(0, ChartLevels), asks.slice(0, ChartLevels));
  const rows = element.querySelector(".trades tbody");
  rows.textContent = "";
  for (const trade of market.trades) {
    const row = rows.insertRow();
    row.dataset.tradeId = String(trade.tradeId);
    for (const [text, className] of [[new Date(trade.time).toLocaleTimeString(), ""], [trade.side, trade.side],
                                     [trade.price, "price"], [trade.size, "size"]]) {
      const cell = row.insertCell();
      cell.textContent = text;
      if (className) cell.className = className;
    }
  }
}

/** Basis points of a multiplier as an exact decimal: 12500 -> "1.25". */
function multiplier(bps) {
  const whole = Math.trunc(bps / 10000), rest = String(bps % 10000).padStart(4, "0").replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : String(whole);
}

function renderPricing(market) {
  const element = market.element, spec = market.spec;
  const set = (selector, text, status) => {
    const cell = element.querySelector(selector);
    cell.textContent = text;
    cell.className = selector.slice(1) + (status ? ` status-${status}` : "");
  };
  const view = spec.index ? indices.get(spec.index) : undefined;
  element.querySelector(".index-name").textContent = spec.index ? spec.index : "";
  set(".index-price", spec.indexPrice || (spec.index ? "–" : "none"));
  set(".index-status", spec.indexStatus || "–", spec.indexStatus);
  set(".mark-price", spec.markPrice || "–");
  const m = spec.marginMultiplier;
  set(".margin-multiplier", m ? `×${multiplier(m.initialBps)} / ×${multiplier(m.maintenanceBps)}` : "–");
  const reason = element.querySelector(".mode-reason");
  reason.hidden = !spec.modeReason;
  reason.textContent = spec.modeReason ? `${spec.mode} by ${spec.modeSetBy}: ${spec.modeReason}` : "";
  const feeds = element.querySelector(".feeds");
  feeds.textContent = "";
  if (view) {
    const item = document.createElement("li");
    item.className = "oracle";
    item.append(`oracle ${view.price || "–"} `);
    const status = document.createElement("span");
    status.className = `oracle-status status-${view.status}`;
    status.textContent = view.status;
    item.append(status);
    feeds.appendChild(item);
  }
  for (const feed of view ? view.feeds : []) {
    const item = document.createElement("li");
    item.dataset.feed = feed.name;
    item.append(`${feed.name} ${feed.price || "–"} `);
    const status = document.createElement("span");
    status.className = `feed-status status-${feed.status}`;
    status.textContent = feed.status;
    item.append(status);
    feeds.appendChild(item);
  }
}

/** The breaker: its state (and who paused the market), the band, the countdown to the reopen, the indicative uncross. */
function renderBreaker(market) {
  const element = market.element, breaker = market.breaker;
  if (!breaker) return;
  const state = element.querySelector(".breaker-state");
  state.textContent = breaker.state === "paused" ? `paused by ${breaker.trippedBy}` : breaker.state;
  state.className = `breaker-state status-${breaker.state}`;
  element.querySelector(".band").textContent = breaker.band ? `${breaker.band.low} – ${breaker.band.high}` : "none";
  const seconds = breaker.reopensAt ? Math.max(0, Math.ceil((breaker.reopensAt - Date.now()) / 1000)) : null;
  element.querySelector(".reopens-in").textContent = seconds === null ? "–"
    : `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}${breaker.extensions ? ` (extended ×${breaker.extensions})` : ""}`;
  const i = breaker.indicative;
  element.querySelector(".indicative").textContent = i ? `${i.price} (${i.volume}${i.side ? `, ${i.imbalance} ${i.side} left` : ""})` : "–";
}

function renderBanner() {
  const simulated = [...indices.values()].filter(v => v.simulated).map(v => v.index).sort();
  const banner = document.getElementById("simulated-banner");
  banner.hidden = simulated.length === 0;
  banner.querySelector(".simulated-indices").textContent = simulated.join(", ");
}

/** Cumulative size against price, bids left of the spread and asks right, as stepped areas. */
function drawDepth(svg, bids, asks) {
  svg.textContent = "";
  const levels = bids.concat(asks);
  if (levels.length === 0) return;
  const priceScale = Math.max(...levels.map(l => Decimal.scaleOf(l[0])));
  const sizeScale = Math.max(...levels.map(l => Decimal.scaleOf(l[1])));
  const cumulative = side => {
    let total = 0n;
    return side.map(([price, size]) => [Decimal.units(price, priceScale), (total += Decimal.units(size, sizeScale))]);
  };
  const bidDepth = cumulative(bids), askDepth = cumulative(asks);
  const prices = bidDepth.concat(askDepth).map(p => p[0]);
  let low = prices.reduce((a, b) => a < b ? a : b), high = prices.reduce((a, b) => a > b ? a : b);
  if (low === high) { low -= 1n; high += 1n; }
  const deepest = [bidDepth, askDepth].map(d => d.length ? d[d.length - 1][1] : 0n).reduce((a, b) => a > b ? a : b);
  // Only here do exact values become screen coordinates.
  const x = price => Number((price - low) * 10000n / (high - low)) / 10000 * Width;
  const y = size => Height - Number(size * 10000n / deepest) / 10000 * (Height - 10);
  for (const [depth, className, colour] of [[bidDepth, "bids", "#4cc38a"], [askDepth, "asks", "#f0616d"]]) {
    if (depth.length === 0) continue;
    let points = `${x(depth[0][0])},${Height}`;
    let previous = Height;
    for (const [price, size] of depth) {
      points += ` ${x(price)},${previous} ${x(price)},${y(size)}`;
      previous = y(size);
    }
    points += ` ${className === "bids" ? 0 : Width},${previous} ${className === "bids" ? 0 : Width},${Height}`;
    const area = document.createElementNS("http://www.w3.org/2000/svg", "polygon");
    area.setAttribute("points", points);
    area.setAttribute("class", className);
    area.setAttribute("fill", colour);
    area.setAttribute("fill-opacity", "0.35");
    area.setAttribute("stroke", colour);
    svg.appendChild(area);
  }
}

// The link to the latest stress report, shown when the gateway serves one (Gateway:StressReportDirectory holding an
// index.html); data-checked says the question was answered, either way.
async function showStressReportLink() {
  const link = document.getElementById("stress-report");
  try {
    link.hidden = !(await fetch(link.getAttribute("href"), { method: "HEAD", cache: "no-store" })).ok;
  } catch {
    link.hidden = true; // no answer, no link
  }
  link.dataset.checked = "true";
}

showStressReportLink();
start().catch(error => {
  document.getElementById("markets").textContent = "Could not load the markets: " + error;
});
