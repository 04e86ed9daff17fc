// The Node.js peer of the cached quote route (bench/run.sh peers): the stack NexusTrade's monitoring plan was first
// written for (Express, ioredis, prom-client) serving GET /api/quotes/:symbol the same way as the API: a quote younger
// than the cache TTL from Redis, otherwise from the Finnhub-shaped provider, written back with the TTL; the same JSON.
// prom-client as such a service uses it: default metrics, a request-duration histogram by method, route and status,
// and a cache-lookup counter. PROM_CLIENT=off leaves it out (the peer's telemetry-off side). One process, as deployed.
'use strict';
const express = require('express');
const Redis = require('ioredis');
const prom = require('prom-client');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`node-peer: ${name} is required`);
  return value;
};
const port = Number(env('PORT'));
const providerUrl = new URL(env('PROVIDER_URL'));
if (!['127.0.0.1', 'localhost', '[::1]'].includes(providerUrl.hostname)) throw new Error('node-peer: PROVIDER_URL must be on loopback');
const providerKey = env('PROVIDER_API_KEY');
const providerName = process.env.PROVIDER_NAME || 'marketfeed-primary';
const ttlMs = Number(env('CACHE_TTL_MS')); // the API's Quotes:CacheTtl, passed by bench/lib/peers.sh
const metricsOn = process.env.PROM_CLIENT !== 'off';
const redis = new Redis({ host: '127.0.0.1', port: Number(env('REDIS_PORT')), password: env('REDIS_PASSWORD') });

const symbolPattern = /^[A-Z][A-Z0-9.-]{0,11}$/;
const app = express();
app.disable('x-powered-by');
app.disable('etag'); // the API sends none either

let lookups = null;
if (metricsOn) {
  prom.collectDefaultMetrics();
  const duration = new prom.Histogram({
    name: 'http_server_request_duration_seconds', help: 'HTTP request duration.', labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  lookups = new prom.Counter({ name: 'cache_lookups_total', help: 'Cache lookups by result.', labelNames: ['result'] });
  app.use((req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => end({ method: req.method, route: req.route ? req.baseUrl + req.route.path : 'unmatched', status_code: res.statusCode }));
    next();
  });
  app.get('/metrics', async (req, res) => {
    res.type(prom.register.contentType).send(await prom.register.metrics());
  });
}

app.get('/alive', (req, res) => res.type('text/plain').send('Healthy'));

const problem = (res, status, title, detail) => res.status(status).type('application/problem+json').send(JSON.stringify({ title, status, detail }));

const present = (q, fromCache) => ({
  symbol: q.symbol, price: q.price, change: q.change, changePercent: q.changePercent, open: q.open, high: q.high, low: q.low,
  previousClose: q.previousClose, vendorTimestamp: q.vendorTimestamp, provider: q.provider, fromCache,
  ageSeconds: Math.max(0, Math.round(Date.now() - q.fetchedAt) / 1000), stale: false,
});

app.get('/api/quotes/:symbol', async (req, res, next) => {
  try {
    const symbol = req.params.symbol.trim().toUpperCase();
    if (!symbolPattern.test(symbol)) return problem(res, 400, 'Invalid symbol', 'a symbol is 1-12 characters');
    const cached = await redis.get('node-peer:quote:' + symbol);
    lookups?.inc({ result: cached ? 'hit' : 'miss' });
    if (cached) return res.json(present(JSON.parse(cached), true));

    const answer = await fetch(new URL('/api/v1/quote?symbol=' + encodeURIComponent(symbol), providerUrl), {
      headers: { 'X-Finnhub-Token': providerKey }, signal: AbortSignal.timeout(2000),
    });
    if (!answer.ok) return problem(res, 503, 'Quote unavailable', `${providerName} answered HTTP ${answer.status}`);
    const b = await answer.json();
    if (b.t === 0 && b.c === 0) return problem(res, 404, 'Unknown symbol', `No provider knows the symbol '${symbol}'.`);
    const quote = {
      symbol, price: b.c, change: b.d ?? 0, changePercent: b.dp ?? 0, open: b.o, high: b.h, low: b.l, previousClose: b.pc,
      vendorTimestamp: new Date(b.t * 1000).toISOString(), provider: providerName, fetchedAt: Date.now(),
    };
    await redis.set('node-peer:quote:' + symbol, JSON.stringify(quote), 'PX', ttlMs);
    return res.json(present(quote, false));
  } catch (error) {
    return next(error);
  }
});

app.use((error, req, res, next) => problem(res, 503, 'Quote unavailable', String(error.message || error)));

const server = app.listen(port, '127.0.0.1', () => console.log(`node-peer on http://127.0.0.1:${port} (prom-client ${metricsOn ? 'on' : 'off'})`));
const stop = () => server.close(() => redis.quit().finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
