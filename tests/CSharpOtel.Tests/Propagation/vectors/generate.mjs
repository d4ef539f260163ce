// Generates interop vectors from the OpenTelemetry JavaScript reference propagators.
//   cd tests/CSharpOtel.Tests/Propagation/vectors && npm ci && node generate.mjs
// Writes propagation-vectors.json next to this script; the C# tests read that file and never need Node.
// Each inject vector records the headers a reference propagator writes for a context; each extract vector
// records the context a reference propagator reads from a header set. Deliberate deviations of the host are
// listed in PropagationVectorTest.cs, each with its reason.
import { createRequire } from 'node:module';
import { writeFileSync, readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const api = require('@opentelemetry/api');
const core = require('@opentelemetry/core');
const { B3Propagator, B3InjectEncoding } = require('@opentelemetry/propagator-b3');
const { B3_DEBUG_FLAG_KEY } = require('@opentelemetry/propagator-b3/build/src/common.js');
const { JaegerPropagator } = require('@opentelemetry/propagator-jaeger');
const { OTTracePropagator } = require('@opentelemetry/propagator-ot-trace');
const { AWSXRayPropagator } = require('@opentelemetry/propagator-aws-xray');

const propagators = {
  tracecontext: new core.W3CTraceContextPropagator(),
  baggage: new core.W3CBaggagePropagator(),
  b3: new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }),
  b3multi: new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
  jaeger: new JaegerPropagator(),
  ottrace: new OTTracePropagator(),
  xray: new AWSXRayPropagator(),
};

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const T64 = 'a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';
const P = 'b7ad6b7169203331';

// ---- inject ----
const baggageSpecial = {
  space: 'a b', comma: 'x,y', equals: 'k=v', percent: '100%', plus: 'a+b',
  nonascii: 'héllo wörld ✓ 日本', semicolon: 'p;q', quote: '"q"',
};
const injectContexts = [
  { name: 'sampled-128', traceId: T, spanId: S, sampled: true },
  { name: 'not-sampled-128', traceId: T, spanId: S, sampled: false },
  { name: 'sampled-64', traceId: '0000000000000000' + T64, spanId: S, sampled: true },
  { name: 'debug', traceId: T, spanId: S, sampled: true, debug: true },
  { name: 'baggage-special-values', traceId: T, spanId: S, sampled: true, baggage: baggageSpecial },
  { name: 'baggage-odd-keys', traceId: T, spanId: S, sampled: true, baggage: { 'key with space': 'v', 'k,comma': 'v', 'ünï': 'v', ok: 'v' } },
  { name: 'baggage-without-span', baggage: { only: 'baggage' } },
  { name: 'baggage-64-members', traceId: T, spanId: S, sampled: true,
    baggage: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`key${i}`, 'v'.repeat(100)])) },
  { name: 'baggage-over-8192-bytes', traceId: T, spanId: S, sampled: true,
    baggage: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`big${i}`, 'x'.repeat(1000)])) },
];

function toContext(c) {
  let ctx = api.ROOT_CONTEXT;
  if (c.traceId) {
    ctx = api.trace.setSpanContext(ctx, {
      traceId: c.traceId, spanId: c.spanId, isRemote: false,
      traceFlags: c.sampled ? api.TraceFlags.SAMPLED : api.TraceFlags.NONE,
    });
  }
  if (c.debug) ctx = ctx.setValue(B3_DEBUG_FLAG_KEY, 'd');
  if (c.baggage) {
    ctx = api.propagation.setBaggage(ctx, api.propagation.createBaggage(
      Object.fromEntries(Object.entries(c.baggage).map(([k, v]) => [k, { value: v }]))));
  }
  return ctx;
}

// B3 single injects 'd' for debug; multi sends X-B3-Flags: 1. Both read the context value 'd' or '1'.
const inject = [];
for (const [propagator, p] of Object.entries(propagators)) {
  for (const c of injectContexts) {
    let ctx = toContext(c);
    if (c.debug && propagator === 'b3multi') ctx = ctx.setValue(B3_DEBUG_FLAG_KEY, '1');
    const headers = {};
    let error = null;
    try {
      p.inject(ctx, headers, api.defaultTextMapSetter);
    } catch (e) {
      error = String(e);
    }
    inject.push({ id: `${propagator}/${c.name}`, propagator, context: c, headers, error });
  }
}

// ---- extract ----
const long = 'a'.repeat(5000);
const extractCases = {
  tracecontext: [
    ['valid-sampled', { traceparent: `00-${T}-${S}-01` }],
    ['valid-not-sampled', { traceparent: `00-${T}-${S}-00` }],
    ['with-tracestate', { traceparent: `00-${T}-${S}-01`, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' }],
    ['future-version-extra', { traceparent: `cc-${T}-${S}-01-what-the-future-holds` }],
    ['version-00-extra', { traceparent: `00-${T}-${S}-01-extra` }],
    ['version-ff', { traceparent: `ff-${T}-${S}-01` }],
    ['zero-trace', { traceparent: `00-${'0'.repeat(32)}-${S}-01` }],
    ['zero-span', { traceparent: `00-${T}-${'0'.repeat(16)}-01` }],
    ['uppercase', { traceparent: `00-${T.toUpperCase()}-${S}-01` }],
    ['short-trace', { traceparent: `00-${T64}-${S}-01` }],
    ['garbage', { traceparent: 'not a traceparent' }],
    ['long', { traceparent: long }],
  ],
  baggage: [
    ['simple', { baggage: 'k1=v1,k2=v2' }],
    ['whitespace', { baggage: ' k1 = v1 ,\tk2=v2 ' }],
    ['properties', { baggage: 'k1=v1;p1=x;p2,k2=v2' }],
    ['encoded-specials', { baggage: 'space=a%20b,comma=x%2Cy,equals=k%3Dv,percent=100%25,nonascii=h%C3%A9llo%20%E2%9C%93' }],
    ['plus-is-not-space', { baggage: 'plus=a+b' }],
    ['raw-non-ascii', { baggage: 'k=héllo' }],
    ['invalid-encoding', { baggage: 'bad=%E0%A4%A,good=v' }],
    ['truncated-escape', { baggage: 'bad=%4,good=v' }],
    ['empty-value', { baggage: 'empty=,k=v' }],
    ['no-equals', { baggage: 'novalue,k=v' }],
    ['empty-key', { baggage: '=v,k=v' }],
    ['duplicate-key', { baggage: 'k=first,k=second' }],
    ['64-members', { baggage: Array.from({ length: 64 }, (_, i) => `key${i}=${'v'.repeat(100)}`).join(',') }],
    ['over-8192-bytes', { baggage: Array.from({ length: 10 }, (_, i) => `big${i}=${'x'.repeat(1000)}`).join(',') }],
    ['over-180-members', { baggage: Array.from({ length: 200 }, (_, i) => `k${i}=v`).join(',') }],
    ['member-over-4096', { baggage: `huge=${'x'.repeat(5000)},k=v` }],
  ],
  jaeger: [
    ['valid-sampled', { 'uber-trace-id': `${T}:${S}:0:1` }],
    ['valid-not-sampled', { 'uber-trace-id': `${T}:${S}:0:0` }],
    ['url-encoded', { 'uber-trace-id': `${T}%3A${S}%3A0%3A1` }],
    ['url-encoded-lowercase', { 'uber-trace-id': `${T}%3a${S}%3a0%3a1` }],
    ['trace-64-bit', { 'uber-trace-id': `${T64}:${S}:0:1` }],
    ['short-ids-left-padded', { 'uber-trace-id': 'abc:def:0:1' }],
    ['parent-set', { 'uber-trace-id': `${T}:${S}:${P}:1` }],
    ['flags-two-digits', { 'uber-trace-id': `${T}:${S}:0:01` }],
    ['flags-debug-sampled', { 'uber-trace-id': `${T}:${S}:0:3` }],
    ['flags-debug-only', { 'uber-trace-id': `${T}:${S}:0:2` }],
    ['flags-firehose-sampled', { 'uber-trace-id': `${T}:${S}:0:9` }],
    ['flags-firehose-only', { 'uber-trace-id': `${T}:${S}:0:8` }],
    ['flags-not-hex', { 'uber-trace-id': `${T}:${S}:0:zz` }],
    ['flags-three-digits', { 'uber-trace-id': `${T}:${S}:0:100` }],
    ['flags-empty', { 'uber-trace-id': `${T}:${S}:0:` }],
    ['three-parts', { 'uber-trace-id': `${T}:${S}:1` }],
    ['five-parts', { 'uber-trace-id': `${T}:${S}:0:1:1` }],
    ['zero-trace', { 'uber-trace-id': `0:${S}:0:1` }],
    ['zero-span', { 'uber-trace-id': `${T}:0:0:1` }],
    ['trace-33-digits', { 'uber-trace-id': `f${T}:${S}:0:1` }],
    ['span-17-digits', { 'uber-trace-id': `${T}:f${S}:0:1` }],
    ['not-hex', { 'uber-trace-id': `${T.replace('4', 'g')}:${S}:0:1` }],
    ['uppercase-hex', { 'uber-trace-id': `${T.toUpperCase()}:${S.toUpperCase()}:0:1` }],
    ['bad-encoding', { 'uber-trace-id': `${T}%3A${S}%3A0%3A1%E0` }],
    ['with-baggage', { 'uber-trace-id': `${T}:${S}:0:1`, 'uberctx-user': 'jane%20doe', 'uberctx-team': 'a%2Cb%3Dc', 'uberctx-plain': 'x+y' }],
    ['baggage-non-ascii', { 'uber-trace-id': `${T}:${S}:0:1`, 'uberctx-name': 'h%C3%A9llo%20%E2%9C%93' }],
    ['baggage-bad-encoding', { 'uber-trace-id': `${T}:${S}:0:1`, 'uberctx-bad': '%E0%A4%A', 'uberctx-good': 'v' }],
    ['baggage-without-trace', { 'uberctx-user': 'jane' }],
    ['garbage', { 'uber-trace-id': 'not:a:jaeger:header' }],
    ['long', { 'uber-trace-id': long }],
  ],
  b3: [
    ['single-sampled', { b3: `${T}-${S}-1` }],
    ['single-not-sampled', { b3: `${T}-${S}-0` }],
    ['single-debug', { b3: `${T}-${S}-d` }],
    ['single-no-sampling-state', { b3: `${T}-${S}` }],
    ['single-with-parent', { b3: `${T}-${S}-1-${P}` }],
    ['single-64-bit', { b3: `${T64}-${S}-1` }],
    ['single-deny-only', { b3: '0' }],
    ['single-accept-only', { b3: '1' }],
    ['single-debug-only', { b3: 'd' }],
    ['single-bad-sampling-state', { b3: `${T}-${S}-2` }],
    ['single-uppercase', { b3: `${T.toUpperCase()}-${S}-1` }],
    ['single-bad-parent', { b3: `${T}-${S}-1-xyz` }],
    ['single-with-prefix-garbage', { b3: `zz${T}-${S}-1` }],
    ['single-zero-trace', { b3: `${'0'.repeat(32)}-${S}-1` }],
    ['single-long', { b3: long }],
    ['multi-sampled', { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' }],
    ['multi-not-sampled', { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '0' }],
    ['multi-sampled-true', { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': 'true' }],
    ['multi-deferred', { 'x-b3-traceid': T, 'x-b3-spanid': S }],
    ['multi-debug', { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-flags': '1' }],
    ['multi-debug-and-not-sampled', { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-flags': '1', 'x-b3-sampled': '0' }],
    ['multi-64-bit', { 'x-b3-traceid': T64, 'x-b3-spanid': S, 'x-b3-sampled': '1' }],
    ['multi-20-digit-trace', { 'x-b3-traceid': 'a'.repeat(20), 'x-b3-spanid': S, 'x-b3-sampled': '1' }],
    ['multi-with-parent', { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-parentspanid': P, 'x-b3-sampled': '1' }],
    ['multi-bad-sampled', { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '2' }],
    ['multi-missing-span', { 'x-b3-traceid': T, 'x-b3-sampled': '1' }],
    ['single-wins-over-multi', { b3: `${T}-${S}-1`, 'x-b3-traceid': T64.repeat(2), 'x-b3-spanid': P, 'x-b3-sampled': '1' }],
    ['single-invalid-multi-valid', { b3: 'garbage', 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' }],
  ],
  ottrace: [
    ['valid-128', { 'ot-tracer-traceid': T, 'ot-tracer-spanid': S, 'ot-tracer-sampled': 'true' }],
    ['valid-64', { 'ot-tracer-traceid': T64, 'ot-tracer-spanid': S, 'ot-tracer-sampled': 'true' }],
    ['not-sampled', { 'ot-tracer-traceid': T64, 'ot-tracer-spanid': S, 'ot-tracer-sampled': 'false' }],
    ['sampled-absent', { 'ot-tracer-traceid': T64, 'ot-tracer-spanid': S }],
    ['sampled-one', { 'ot-tracer-traceid': T64, 'ot-tracer-spanid': S, 'ot-tracer-sampled': '1' }],
    ['with-baggage', { 'ot-tracer-traceid': T64, 'ot-tracer-spanid': S, 'ot-tracer-sampled': 'true', 'ot-baggage-user': 'jane doe', 'ot-baggage-team': 'a%20b' }],
    ['baggage-without-trace', { 'ot-baggage-user': 'jane' }],
    ['trace-20-digits', { 'ot-tracer-traceid': 'a'.repeat(20), 'ot-tracer-spanid': S, 'ot-tracer-sampled': 'true' }],
    ['zero-trace', { 'ot-tracer-traceid': '0'.repeat(16), 'ot-tracer-spanid': S, 'ot-tracer-sampled': 'true' }],
    ['not-hex', { 'ot-tracer-traceid': 'g'.repeat(16), 'ot-tracer-spanid': S }],
    ['missing-span', { 'ot-tracer-traceid': T64 }],
  ],
  xray: [
    ['valid-sampled', { 'x-amzn-trace-id': `Root=1-${T.slice(0, 8)}-${T.slice(8)};Parent=${S};Sampled=1` }],
    ['valid-not-sampled', { 'x-amzn-trace-id': `Root=1-${T.slice(0, 8)}-${T.slice(8)};Parent=${S};Sampled=0` }],
    ['field-order-and-spaces', { 'x-amzn-trace-id': ` Sampled=1 ; Parent=${S} ; Root=1-${T.slice(0, 8)}-${T.slice(8)} ` }],
    ['with-lineage-and-self', { 'x-amzn-trace-id': `Self=1-67891234-12456789abcdef012345678;Root=1-${T.slice(0, 8)}-${T.slice(8)};Parent=${S};Sampled=1;Lineage=a87bd80c:1|68fd508a:5` }],
    ['sampled-absent', { 'x-amzn-trace-id': `Root=1-${T.slice(0, 8)}-${T.slice(8)};Parent=${S}` }],
    ['sampled-question', { 'x-amzn-trace-id': `Root=1-${T.slice(0, 8)}-${T.slice(8)};Parent=${S};Sampled=?` }],
    ['parent-absent', { 'x-amzn-trace-id': `Root=1-${T.slice(0, 8)}-${T.slice(8)};Sampled=1` }],
    ['wrong-version', { 'x-amzn-trace-id': `Root=2-${T.slice(0, 8)}-${T.slice(8)};Parent=${S};Sampled=1` }],
    ['wrong-root-length', { 'x-amzn-trace-id': `Root=1-${T.slice(0, 8)}-${T.slice(9)};Parent=${S};Sampled=1` }],
    ['bad-parent', { 'x-amzn-trace-id': `Root=1-${T.slice(0, 8)}-${T.slice(8)};Parent=xyz;Sampled=1` }],
    ['bad-sampled', { 'x-amzn-trace-id': `Root=1-${T.slice(0, 8)}-${T.slice(8)};Parent=${S};Sampled=2` }],
    ['zero-trace', { 'x-amzn-trace-id': `Root=1-00000000-${'0'.repeat(24)};Parent=${S};Sampled=1` }],
    ['lowercase-keys', { 'x-amzn-trace-id': `root=1-${T.slice(0, 8)}-${T.slice(8)};parent=${S};sampled=1` }],
    ['garbage', { 'x-amzn-trace-id': ';;==;Root;Parent=;' }],
  ],
};

function describe(ctx, propagator) {
  const sc = api.trace.getSpanContext(ctx);
  const valid = !!sc && api.isSpanContextValid(sc);
  const bag = api.propagation.getBaggage(ctx);
  const result = { valid };
  if (valid) {
    result.traceId = sc.traceId;
    result.spanId = sc.spanId;
    result.sampled = (sc.traceFlags & api.TraceFlags.SAMPLED) === api.TraceFlags.SAMPLED;
    if (sc.traceState) result.traceState = sc.traceState.serialize();
    if (propagator.startsWith('b3')) result.debug = ctx.getValue(B3_DEBUG_FLAG_KEY) !== undefined;
  }
  result.baggage = bag ? Object.fromEntries(bag.getAllEntries().map(([k, v]) => [k, v.value])) : {};
  return result;
}

const extract = [];
for (const [family, cases] of Object.entries(extractCases)) {
  // B3 cases run through both b3 and b3multi: both extract either encoding.
  const runners = family === 'b3' ? ['b3', 'b3multi'] : [family];
  for (const propagator of runners) {
    for (const [name, headers] of cases) {
      let result;
      try {
        result = describe(propagators[propagator].extract(api.ROOT_CONTEXT, headers, api.defaultTextMapGetter), propagator);
      } catch (e) {
        result = { valid: false, baggage: {}, error: String(e) };
      }
      extract.push({ id: `${propagator}/${name}`, propagator, headers, result });
    }
  }
}

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url)));
const out = {
  comment: 'Generated by generate.mjs from the OpenTelemetry JS propagators; do not edit by hand.',
  references: pkg.dependencies,
  inject,
  extract,
};
writeFileSync(new URL('./propagation-vectors.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${inject.length} inject and ${extract.length} extract vectors`);
