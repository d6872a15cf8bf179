// Drives the gateway's Binance USDⓈ-M-compatible API with the unmodified CCXT binanceusdm client and asserts every
// answer. Run by the test suite (BinanceCcxtTests), which starts the gateway and passes, in the environment:
//   EXCHANGE_URL               the gateway, e.g. http://127.0.0.1:5000
//   TRADER_KEY/TRADER_SECRET   a funded account that takes and makes orders
//   MAKER_KEY/MAKER_SECRET     a funded account that provides the other side
//   BROKE_KEY/BROKE_SECRET     an account with no collateral
//   BURST_KEY/BURST_SECRET     an account used only to run into the rate limit
//   DEPOSIT                    what the trader and the maker were each given (USD)
// The market is BTC-PERP (BTCUSDT here): tick 0.5, lot 0.001. Exits non-zero on the first failed check.
import assert from 'node:assert/strict';
import ccxt from 'ccxt';

const base = process.env.EXCHANGE_URL;
const symbol = 'BTC/USDT:USDT';

function client(key, secret, extra = {}) {
    // What a user would write: the API URLs pointed at the gateway, and the option that keeps CCXT from calling Binance's
    // spot wallet API for currencies (this venue has none).
    const { options, ...rest } = extra;
    return new ccxt.binanceusdm({
        apiKey: key,
        secret,
        urls: {
            api: {
                fapiPublic: `${base}/fapi/v1`, fapiPublicV2: `${base}/fapi/v2`, fapiPublicV3: `${base}/fapi/v3`,
                fapiPrivate: `${base}/fapi/v1`, fapiPrivateV2: `${base}/fapi/v2`, fapiPrivateV3: `${base}/fapi/v3`,
            },
        },
        options: { fetchCurrencies: false, ...options },
        ...rest,
    });
}

const env = (name) => {
    const value = process.env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
};

const trader = client(env('TRADER_KEY'), env('TRADER_SECRET'));
const maker = client(env('MAKER_KEY'), env('MAKER_SECRET'));
const broke = client(env('BROKE_KEY'), env('BROKE_SECRET'));
const deposit = Number(env('DEPOSIT'));

let checks = 0;
async function check(name, body) {
    try {
        await body();
        checks++;
        console.log(`ok ${name}`);
    } catch (error) {
        console.error(`FAILED ${name}: ${error?.stack ?? error}`);
        process.exit(1);
    }
}

/** Runs the call and requires it to fail with that CCXT error class and, if given, that Binance code (CCXT quotes the body
 * when it matched the code; when it matched the message exactly it quotes only the message). */
async function rejects(call, errorClass, code) {
    let caught;
    try {
        const answer = await call();
        assert.fail(`expected ${errorClass.name}, got an answer: ${JSON.stringify(answer)}`);
    } catch (error) {
        if (error instanceof assert.AssertionError) throw error;
        caught = error;
    }
    assert.ok(caught instanceof errorClass, `expected ${errorClass.name}, got ${caught?.constructor?.name}: ${caught?.message}`);
    if (code !== undefined) assert.match(caught.message, new RegExp(`"code":${code}\\b`), caught.message);
    return caught;
}

/** A book side as plain [price, amount] arrays (CCXT's live book sides are array subclasses). */
const plain = (side) => Array.from(side, (level) => [level[0], level[1]]);

const near = (actual, expected, what) =>
    assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);

await check('fetchTime is the gateway clock', async () => {
    const time = await trader.fetchTime();
    assert.equal(typeof time, 'number');
    assert.ok(Math.abs(time - Date.now()) < 10_000, `server time ${time} vs local ${Date.now()}`);
});

await check('loadMarkets: BTC-PERP is the linear perpetual BTC/USDT:USDT with its tick, lot and limits', async () => {
    const markets = await trader.loadMarkets();
    const market = markets[symbol];
    assert.ok(market, `no ${symbol} in ${Object.keys(markets)}`);
    assert.equal(market.id, 'BTCUSDT');
    assert.equal(market.type, 'swap');
    assert.equal(market.swap, true);
    assert.equal(market.linear, true);
    assert.equal(market.settle, 'USDT');
    assert.equal(market.active, true);
    assert.equal(market.precision.price, 0.5);
    assert.equal(market.precision.amount, 0.001);
    assert.equal(market.limits.amount.min, 0.001);
    assert.equal(market.limits.amount.max, 1000);
    assert.equal(market.limits.price.min, 0.5);
    assert.equal(market.limits.price.max, 1000000);
    assert.equal(market.limits.cost.min, 0.0005);
    assert.equal(market.info.contractType, 'PERPETUAL');
    assert.equal(market.info.marginAsset, 'USDT');
    await maker.loadMarkets();
    await broke.loadMarkets();
});

await check('fetchBalance: the deposit, all of it free', async () => {
    const balance = await trader.fetchBalance();
    assert.equal(balance.USDT.total, deposit);
    assert.equal(balance.USDT.free, deposit);
    assert.equal(balance.USDT.used, 0);
});

let resting;
await check('the maker rests a bid and an ask; fetchOrderBook shows them', async () => {
    const ask = await maker.createOrder(symbol, 'limit', 'sell', 0.01, 30000.5);
    assert.equal(ask.status, 'open');
    assert.equal(ask.side, 'sell');
    assert.equal(ask.price, 30000.5);
    assert.equal(ask.amount, 0.01);
    assert.equal(ask.filled, 0);
    const bid = await maker.createOrder(symbol, 'limit', 'buy', 0.01, 29000);
    assert.equal(bid.status, 'open');
    const book = await trader.fetchOrderBook(symbol, 10);
    assert.deepEqual(book.asks[0], [30000.5, 0.01]);
    assert.deepEqual(book.bids[0], [29000, 0.01]);
    assert.equal(book.symbol, symbol);
    assert.ok(book.nonce > 0);
});

await check('post-only (GTX) rests; fetchOrder and fetchOpenOrders find it; cancelOrder cancels it', async () => {
    resting = await trader.createOrder(symbol, 'limit', 'buy', 0.01, 29500, { postOnly: true, clientOrderId: 'ccxt-post-1' });
    assert.equal(resting.status, 'open');
    assert.equal(resting.postOnly, true);
    assert.equal(resting.timeInForce, 'PO');
    assert.equal(resting.clientOrderId, 'ccxt-post-1');
    const found = await trader.fetchOrder(resting.id, symbol);
    assert.equal(found.id, resting.id);
    assert.equal(found.price, 29500);
    assert.equal(found.amount, 0.01);
    assert.equal(found.status, 'open');
    const byClientId = await trader.fetchOrder(undefined, symbol, { clientOrderId: 'ccxt-post-1' });
    assert.equal(byClientId.id, resting.id);
    const open = await trader.fetchOpenOrders(symbol);
    assert.deepEqual(open.map((o) => o.id), [resting.id]);
    const cancelled = await trader.cancelOrder(resting.id, symbol);
    assert.equal(cancelled.status, 'canceled');
    assert.equal(cancelled.id, resting.id);
    assert.deepEqual(await trader.fetchOpenOrders(symbol), []);
    assert.equal((await trader.fetchOrder(resting.id, symbol)).status, 'canceled');
});

await check('a repeated clientOrderId answers with the original order', async () => {
    const again = await trader.createOrder(symbol, 'limit', 'buy', 0.01, 29500, { postOnly: true, clientOrderId: 'ccxt-post-1' });
    assert.equal(again.id, resting.id);
    assert.equal(again.status, 'canceled');
});

await check('post-only that would take: OrderImmediatelyFillable', async () => {
    await rejects(() => trader.createOrder(symbol, 'limit', 'buy', 0.01, 30000.5, { postOnly: true }), ccxt.OrderImmediatelyFillable);
});

await check('cancelling an order that is not open, or not there: OrderNotFound', async () => {
    await rejects(() => trader.cancelOrder(resting.id, symbol), ccxt.OrderNotFound, -2011);
    await rejects(() => trader.cancelOrder('987654321', symbol), ccxt.OrderNotFound, -2011);
    await rejects(() => trader.fetchOrder('987654321', symbol), ccxt.OrderNotFound, -2013);
});

await check('IOC takes what it can: 0.004 at the ask', async () => {
    const ioc = await trader.createOrder(symbol, 'limit', 'buy', 0.004, 30000.5, { timeInForce: 'IOC' });
    assert.equal(ioc.status, 'closed');
    assert.equal(ioc.filled, 0.004);
    assert.equal(ioc.average, 30000.5);
    assert.equal(ioc.timeInForce, 'IOC');
    near(ioc.cost, 120.002, 'IOC cost');
});

await check('FOK larger than the book: expires whole, nothing filled', async () => {
    const fok = await trader.createOrder(symbol, 'limit', 'buy', 0.1, 30000.5, { timeInForce: 'FOK' });
    assert.equal(fok.status, 'expired');
    assert.equal(fok.filled, 0);
    assert.equal(fok.timeInForce, 'FOK');
});

await check('market buy fills at the ask', async () => {
    const market = await trader.createOrder(symbol, 'market', 'buy', 0.002);
    assert.equal(market.type, 'market');
    assert.equal(market.status, 'closed');
    assert.equal(market.filled, 0.002);
    assert.equal(market.average, 30000.5);
});

await check('limit GTC orders rest; cancelAllOrders cancels them all', async () => {
    const first = await trader.createOrder(symbol, 'limit', 'buy', 0.001, 28000);
    const second = await trader.createOrder(symbol, 'limit', 'buy', 0.001, 28000.5);
    assert.equal(first.status, 'open');
    assert.equal(first.timeInForce, 'GTC');
    const open = await trader.fetchOpenOrders(symbol);
    assert.deepEqual(open.map((o) => o.id).sort(), [first.id, second.id].sort());
    await trader.cancelAllOrders(symbol);
    assert.deepEqual(await trader.fetchOpenOrders(symbol), []);
    assert.equal((await trader.fetchOrder(second.id, symbol)).status, 'canceled');
});

await check('reduce-only sell shrinks the long; a reduce-only buy that would grow it: InvalidOrder', async () => {
    const reduce = await trader.createOrder(symbol, 'limit', 'sell', 0.002, 29000, { reduceOnly: true });
    assert.equal(reduce.reduceOnly, true);
    assert.equal(reduce.status, 'closed');
    assert.equal(reduce.filled, 0.002);
    await rejects(() => trader.createOrder(symbol, 'limit', 'buy', 0.001, 29000, { reduceOnly: true }), ccxt.InvalidOrder, -2010);
});

await check('fetchPositions: long 0.004 at 30000.5, marked at the last trade, no liquidation price yet', async () => {
    const positions = await trader.fetchPositions([symbol]);
    assert.equal(positions.length, 1);
    const position = positions[0];
    assert.equal(position.symbol, symbol);
    assert.equal(position.side, 'long');
    assert.equal(position.contracts, 0.004);
    assert.equal(position.entryPrice, 30000.5);
    assert.equal(position.markPrice, 29000);
    near(position.unrealizedPnl, -4.002, 'unrealised PnL');
    near(position.notional, 116, 'notional');
    assert.equal(position.liquidationPrice, undefined);
    assert.equal(position.marginMode, 'cross');
    const makerPositions = await maker.fetchPositions();
    assert.equal(makerPositions.length, 1);
    assert.equal(makerPositions[0].side, 'short');
    assert.equal(makerPositions[0].contracts, 0.004);
});

await check('fetchBalance after trading: fees and losses are taken, margin is in use', async () => {
    const balance = await trader.fetchBalance();
    assert.ok(balance.USDT.total < deposit, `total ${balance.USDT.total}`);
    assert.ok(balance.USDT.used > 0, `used ${balance.USDT.used}`);
    near(balance.USDT.free + balance.USDT.used, balance.USDT.total, 'free + used');
});

await check('fetchMyTrades: the IOC, the market order and the reduce-only sell', async () => {
    const trades = await trader.fetchMyTrades(symbol);
    assert.deepEqual(trades.map((t) => [t.side, t.amount, t.price, t.takerOrMaker]), [
        ['buy', 0.004, 30000.5, 'taker'],
        ['buy', 0.002, 30000.5, 'taker'],
        ['sell', 0.002, 29000, 'taker'],
    ]);
    assert.ok(trades.every((t) => t.symbol === symbol && t.order && t.timestamp > 0));
    const makerTrades = await maker.fetchMyTrades(symbol);
    assert.ok(makerTrades.every((t) => t.takerOrMaker === 'maker'));
    assert.equal(makerTrades.length, 3);
});

await check('fetchOrders and fetchClosedOrders (allOrders): every order the trader placed, in order', async () => {
    const all = await trader.fetchOrders(symbol);
    assert.deepEqual(all.map((o) => [o.type, o.side, o.status, o.filled]), [
        ['limit', 'buy', 'canceled', 0], // post-only
        ['limit', 'buy', 'closed', 0.004], // IOC
        ['limit', 'buy', 'expired', 0], // FOK
        ['market', 'buy', 'closed', 0.002],
        ['limit', 'buy', 'canceled', 0], // the two cancelled by cancelAllOrders
        ['limit', 'buy', 'canceled', 0],
        ['limit', 'sell', 'closed', 0.002], // reduce-only
    ]);
    const closed = await trader.fetchClosedOrders(symbol);
    assert.deepEqual(closed.map((o) => o.id), all.filter((o) => o.status === 'closed').map((o) => o.id));
});

await check('fetchBidsAsks (bookTicker): the best bid and ask, both resting orders of the maker', async () => {
    const quotes = await trader.fetchBidsAsks([symbol]);
    const quote = quotes[symbol];
    assert.equal(quote.bid, 29000);
    assert.equal(quote.bidVolume, 0.008);
    assert.equal(quote.ask, 30000.5);
    assert.equal(quote.askVolume, 0.004);
});

await check('fetchTrades, fetchTicker(s) and fetchOHLCV agree with those trades', async () => {
    const trades = await trader.fetchTrades(symbol);
    assert.deepEqual(trades.map((t) => [t.side, t.amount, t.price]), [
        ['buy', 0.004, 30000.5], ['buy', 0.002, 30000.5], ['sell', 0.002, 29000],
    ]);
    const ticker = await trader.fetchTicker(symbol);
    assert.equal(ticker.last, 29000);
    assert.equal(ticker.open, 30000.5);
    assert.equal(ticker.high, 30000.5);
    assert.equal(ticker.low, 29000);
    near(ticker.baseVolume, 0.008, 'base volume');
    near(ticker.quoteVolume, 238.003, 'quote volume');
    const tickers = await trader.fetchTickers([symbol]);
    assert.equal(tickers[symbol].last, 29000);
    const candles = await trader.fetchOHLCV(symbol, '1m');
    assert.ok(candles.length >= 1);
    near(candles.reduce((sum, c) => sum + c[5], 0), 0.008, 'candle volume');
    assert.equal(candles.at(-1)[4], 29000);
    assert.equal(candles[0][1], 30000.5);
    assert.equal(Math.max(...candles.map((c) => c[2])), 30000.5);
});

await check('fetchMarkPrice and fetchFundingRate: the mark is the last trade; with no index and nothing settled yet, the rate is the interest', async () => {
    const mark = await trader.fetchMarkPrice(symbol);
    assert.equal(mark.markPrice, 29000);
    const funding = await trader.fetchFundingRate(symbol);
    assert.equal(funding.markPrice, 29000);
    // 0.01% per 8 hours, an hour's share: 12 ppm (rounded toward zero); settled at the next hour.
    assert.equal(funding.fundingRate, 0.000012);
    assert.equal(funding.interestRate, 0.0001);
    assert.ok(funding.fundingTimestamp > Date.now() && funding.fundingTimestamp <= Date.now() + 3600000, `next funding at ${funding.fundingTimestamp}`);
});

await check('setLeverage: echoed up to the first tier; beyond it BadRequest', async () => {
    const answer = await trader.setLeverage(5, symbol);
    assert.equal(answer.leverage, 5);
    assert.equal(answer.symbol, 'BTCUSDT');
    await rejects(() => trader.setLeverage(50, symbol), ccxt.BadRequest, -4028);
});

await check('insufficient margin: InsufficientFunds', async () => {
    await rejects(() => broke.createOrder(symbol, 'limit', 'buy', 0.01, 29000), ccxt.InsufficientFunds);
});

await check('an invalid order reaching the gateway: InvalidOrder (price off the tick, size off the lot)', async () => {
    const raw = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: '29000.25' };
    await rejects(() => trader.fapiPrivatePostOrder(raw), ccxt.InvalidOrder, -4014);
    await rejects(() => trader.fapiPrivatePostOrder({ ...raw, price: '29000', quantity: '0.0015' }), ccxt.InvalidOrder, -4023);
});

await check('stop-market, take-profit-market and trailing stop: held by the market, listed and cancelled as algo orders', async () => {
    // Far from the last price, so nothing fires: a stop-loss sell below it, a take-profit sell above it, a 1% trailing stop.
    const stop = await trader.createOrder(symbol, 'market', 'sell', 0.001, undefined, { stopLossPrice: 1000, reduceOnly: true });
    assert.equal(stop.status, 'open');
    assert.equal(stop.triggerPrice, 1000);
    assert.equal(stop.info.orderType, 'STOP_MARKET');
    assert.equal(stop.info.workingType, 'CONTRACT_PRICE');
    const profit = await trader.createOrder(symbol, 'market', 'sell', 0.001, undefined, { takeProfitPrice: 900000, workingType: 'MARK_PRICE' });
    assert.equal(profit.info.orderType, 'TAKE_PROFIT_MARKET');
    assert.equal(profit.info.workingType, 'MARK_PRICE');
    const trailing = await trader.createOrder(symbol, 'market', 'sell', 0.001, undefined, { trailingPercent: 1 });
    assert.equal(trailing.info.orderType, 'TRAILING_STOP_MARKET');
    assert.equal(trailing.info.callbackRate, '1');

    const waiting = await trader.fetchOpenOrders(symbol, undefined, undefined, { trigger: true });
    assert.deepEqual(waiting.map((o) => o.id).sort(), [stop.id, profit.id, trailing.id].sort());
    assert.ok(waiting.every((o) => o.status === 'open'));
    // They are not orders until they fire.
    assert.ok(!(await trader.fetchOpenOrders(symbol)).some((o) => o.clientOrderId === stop.clientOrderId));

    for (const order of [stop, profit, trailing]) {
        const cancelled = await trader.cancelOrder(order.id, symbol, { trigger: true });
        assert.equal(cancelled.id, order.id);
    }
    assert.deepEqual(await trader.fetchOpenOrders(symbol, undefined, undefined, { trigger: true }), []);
    await rejects(() => trader.cancelOrder(stop.id, symbol, { trigger: true }), ccxt.OrderNotFound, -2011);
});

await check('createOrders: one batch request, each order answered on its own', async () => {
    const placed = await trader.createOrders([
        { symbol, type: 'limit', side: 'buy', amount: 0.001, price: 20000 },
        { symbol, type: 'limit', side: 'buy', amount: 0.001, price: 5000000 },    // above the market's highest price
        { symbol, type: 'limit', side: 'buy', amount: 0.002, price: 20000.5, params: { clientOrderId: 'batch-2' } },
    ]);
    assert.equal(placed.length, 3);
    assert.deepEqual(placed.map((o) => o.status), ['open', 'rejected', 'open'], JSON.stringify(placed.map((o) => o.info)));
    assert.equal(placed[2].clientOrderId, 'batch-2');
    for (const order of [placed[0], placed[2]]) await trader.cancelOrder(order.id, symbol);
});

await check('a stop that would fire at once: OrderImmediatelyFillable; conditional types on /fapi/v1/order: BadRequest', async () => {
    // A stop-loss sell above the last price would fire at once.
    await rejects(() => trader.createOrder(symbol, 'market', 'sell', 0.001, undefined, { stopLossPrice: 900000 }), ccxt.OrderImmediatelyFillable);
    const raw = { symbol: 'BTCUSDT', side: 'SELL', quantity: '0.001' };
    await rejects(() => trader.fapiPrivatePostOrder({ ...raw, type: 'STOP_MARKET', stopPrice: '25000' }), ccxt.BadRequest, -1116);
    await rejects(() => trader.fapiPrivatePostOrder({ ...raw, type: 'TAKE_PROFIT_MARKET', stopPrice: '35000' }), ccxt.BadRequest, -1116);
});

await check('authentication: a wrong secret, an unknown key and a stale timestamp are refused', async () => {
    const wrongSecret = client(env('TRADER_KEY'), 'not-the-secret');
    await wrongSecret.loadMarkets();
    await rejects(() => wrongSecret.fetchBalance(), ccxt.AuthenticationError, -1022);
    const unknownKey = client('0123456789abcdef0123456789abcdef', 'whatever');
    await unknownKey.loadMarkets();
    await rejects(() => unknownKey.fetchBalance(), ccxt.AuthenticationError, -2015);
    const late = client(env('TRADER_KEY'), env('TRADER_SECRET'), { options: { timeDifference: 120_000 } });
    await late.loadMarkets();
    await rejects(() => late.fetchBalance(), ccxt.InvalidNonce, -1021);
});

await check('ccxt.pro watchOrderBook and watchTrades follow the book and the trades live', async () => {
    const ws = new ccxt.pro.binanceusdm({
        urls: {
            api: {
                fapiPublic: `${base}/fapi/v1`, fapiPublicV2: `${base}/fapi/v2`, fapiPublicV3: `${base}/fapi/v3`,
                ws: { future: `${base.replace(/^http/, 'ws')}/fapi/ws` },
            },
        },
        // One connection for both streams, so the trades subscription is in place once the book's is answered.
        options: { fetchCurrencies: false, streamLimits: { future: 1 } },
    });
    // CCXT wants this once for plain ws:// URLs (this test's gateway has no TLS); wss:// needs nothing.
    await ws.loadHttpProxyAgent();
    try {
        const trades = ws.watchTrades(symbol);
        const book = await ws.watchOrderBook(symbol);
        const rest = await trader.fetchOrderBook(symbol, 1000);
        assert.deepEqual(plain(book.asks), plain(rest.asks));
        assert.deepEqual(plain(book.bids), plain(rest.bids));
        assert.equal(book.nonce, rest.nonce);

        const afterOrder = ws.watchOrderBook(symbol);
        await maker.createOrder(symbol, 'limit', 'sell', 0.003, 31000);
        assert.deepEqual(plain((await afterOrder).asks).find((level) => level[0] === 31000), [31000, 0.003]);

        const afterTrade = ws.watchOrderBook(symbol);
        await trader.createOrder(symbol, 'limit', 'buy', 0.001, 31000, { timeInForce: 'IOC' });
        const traded = await trades;
        assert.deepEqual(traded.map((t) => [t.side, t.amount, t.price, t.symbol]), [['buy', 0.001, 30000.5, symbol]]);
        const live = await afterTrade;
        assert.deepEqual(plain(live.asks).slice(0, 2), [[30000.5, 0.003], [31000, 0.003]]);
        const again = await trader.fetchOrderBook(symbol, 1000);
        assert.deepEqual(plain(live.asks), plain(again.asks));
        assert.deepEqual(plain(live.bids), plain(again.bids));
    } finally {
        await ws.close();
    }
});

await check('rate limited: more requests at once than the key may make get DDoSProtection (429)', async () => {
    const burst = client(env('BURST_KEY'), env('BURST_SECRET'), { enableRateLimit: false });
    await burst.loadMarkets();
    // Distinct timestamps are not needed: every request names a different order, so every signature differs.
    const results = await Promise.allSettled(Array.from({ length: 120 }, (_, i) => burst.fetchOrder(String(1_000_000 + i), symbol)));
    const limited = results.filter((r) => r.status === 'rejected' && r.reason instanceof ccxt.DDoSProtection);
    const notFound = results.filter((r) => r.status === 'rejected' && r.reason instanceof ccxt.OrderNotFound);
    assert.ok(limited.length > 0, 'no request was rate limited');
    assert.equal(limited.length + notFound.length, results.length,
        results.filter((r) => !(r.reason instanceof ccxt.DDoSProtection) && !(r.reason instanceof ccxt.OrderNotFound))
            .map((r) => r.reason?.message ?? JSON.stringify(r.value)).join('\n'));
    assert.match(limited[0].reason.message, /"code":-1003/);
});

console.log(`all ${checks} checks passed`);
