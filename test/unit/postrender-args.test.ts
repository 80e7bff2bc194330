import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../plugins/postrender/src/args.js';
import { InvalidArgument } from '../../plugins/postrender/src/errors.js';

const none = { labels: {}, annotations: {}, ingressEnabled: false, gatewayApiEnabled: false };

describe('postrender args: accepted', () => {
  it.each([
    { argv: [], expected: none },
    { argv: ['--label=team=x'], expected: { ...none, labels: { team: 'x' } } },
    { argv: ['--label', 'team=x'], expected: { ...none, labels: { team: 'x' } } },
    { argv: ['--label=example.com/team=x', '--label=cost=', '--label=team=y'], expected: { ...none, labels: { 'example.com/team': 'x', cost: '', team: 'y' } } },
    { argv: ['--annotation=note=a = b, c'], expected: { ...none, annotations: { note: 'a = b, c' } } },
    { argv: ['--annotation', 'example.com/owner=ops team'], expected: { ...none, annotations: { 'example.com/owner': 'ops team' } } },
    { argv: ['--ingress-enabled=true'], expected: { ...none, ingressEnabled: true } },
    { argv: ['--ingress-enabled'], expected: { ...none, ingressEnabled: true } },
    { argv: ['--ingress-enabled=true', '--ingress-enabled=false'], expected: none },
    { argv: ['--gateway-api-enabled=true'], expected: { ...none, gatewayApiEnabled: true } },
    { argv: ['--gateway-api-enabled', '--ingress-enabled=false'], expected: { ...none, gatewayApiEnabled: true } },
    { argv: ['--ingress-enabled=true', '--gateway-api-enabled=false'], expected: { ...none, ingressEnabled: true } },
  ])('$argv', ({ argv, expected }) => {
    expect(parseArgs(argv)).toEqual(expected);
  });
});

describe('postrender args: refused with a clear message', () => {
  it.each([
    { argv: ['--bogus'], message: 'unknown argument "--bogus"' },
    { argv: ['team=x'], message: 'unknown argument "team=x"' },
    { argv: ['--label'], message: '--label needs a KEY=VALUE' },
    { argv: ['--label', '--ingress-enabled'], message: '--label needs a KEY=VALUE' },
    { argv: ['--label=team'], message: '--label "team" is not KEY=VALUE' },
    { argv: ['--label=-team=x'], message: '--label "-team" is not a valid key ([prefix/]name)' },
    { argv: ['--label=Example.com/team=x'], message: '--label "Example.com/team" is not a valid key ([prefix/]name)' },
    { argv: ['--label=team=has space'], message: '--label team: "has space" is not a valid label value' },
    { argv: [`--label=team=${'x'.repeat(64)}`], message: 'is not a valid label value' },
    { argv: ['--annotation=/x=y'], message: '--annotation "/x" is not a valid key ([prefix/]name)' },
    { argv: ['--ingress-enabled=yes'], message: '--ingress-enabled must be true or false, got "yes"' },
    { argv: ['--gateway-api-enabled=1'], message: '--gateway-api-enabled must be true or false, got "1"' },
  ])('$argv', ({ argv, message }) => {
    expect(() => parseArgs(argv)).toThrow(InvalidArgument);
    expect(() => parseArgs(argv)).toThrow(message);
    expect(() => parseArgs(argv)).toThrow('usage: --label KEY=VALUE');
  });
});
