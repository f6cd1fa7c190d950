import { expect } from 'chai';
import {
  fieldSelectorEqualities,
  fieldSelectorPaths,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../selectors.js';

const lobby = { app: 'phone', tier: 'lobby', 'teamsdevices.io/site': 'berlin', rank: '5' };
const room = { app: 'room', tier: '' };

describe('parseLabelSelector', () => {
  const cases: Array<[string, Record<string, string> | undefined, boolean]> = [
    ['', lobby, true],
    ['', undefined, true],
    ['app=phone', lobby, true],
    ['app==phone', lobby, true],
    ['app=room', lobby, false],
    ['app!=room', lobby, true],
    ['app!=phone', lobby, false],
    ['missing!=x', lobby, true],
    ['app in (phone,room)', lobby, true],
    ['app in (room, display)', lobby, false],
    ['app notin (room,display)', lobby, true],
    ['missing notin (a)', lobby, true],
    ['app notin (phone)', lobby, false],
    ['tier', room, true],
    ['missing', lobby, false],
    ['!missing', lobby, true],
    ['!app', lobby, false],
    ['tier=', room, true],
    ['tier=', lobby, false],
    ['teamsdevices.io/site=berlin', lobby, true],
    ['app=phone,tier=lobby', lobby, true],
    ['app=phone, tier=hall', lobby, false],
    ['app in (phone),!missing,tier', lobby, true],
    ['rank>3', lobby, true],
    ['rank<3', lobby, false],
    ['app=phone', undefined, false],
    ['app!=phone', undefined, true],
  ];
  for (const [selector, labels, expected] of cases) {
    const who =
      labels === lobby ? 'the lobby labels' : labels === room ? 'the room labels' : 'an unlabelled object';
    it(`should ${expected ? '' : 'not '}select ${who} with "${selector}"`, () => {
      expect(parseLabelSelector(selector)(labels)).to.equal(expected);
    });
  }

  const invalid = [
    'app in phone',
    'app in ()',
    'app notin (a',
    '=phone',
    'app=phone,',
    'app phone',
    '!app=phone',
    'app=-bad-',
    'bad key=x',
    'a/b/c=x',
    `app=${'x'.repeat(64)}`,
    'rank>high',
  ];
  for (const selector of invalid) {
    it(`should refuse "${selector}" with a SelectorError`, () => {
      expect(() => parseLabelSelector(selector)).to.throw(SelectorError);
    });
  }
});

describe('parseFieldSelector', () => {
  const event = {
    metadata: { name: 'lobby-phone.17c', namespace: 'office' },
    involvedObject: { kind: 'TeamsDevice', name: 'lobby-phone', namespace: 'office', uid: 'u-1' },
    count: 3,
    spec: {},
  };
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['metadata.name=lobby-phone.17c', true],
    ['metadata.name==lobby-phone.17c', true],
    ['metadata.name!=lobby-phone.17c', false],
    ['metadata.namespace=office,involvedObject.kind=TeamsDevice', true],
    ['involvedObject.name=lobby-phone,involvedObject.namespace=office,involvedObject.uid=u-1', true],
    ['involvedObject.kind=Pod', false],
    ['count=3', true],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
    ['spec.nodeName!=node-1', true],
    ['metadata.name = lobby-phone.17c', true],
  ];
  for (const [selector, expected] of cases) {
    it(`should ${expected ? '' : 'not '}match an Event with "${selector}"`, () => {
      expect(parseFieldSelector(selector)(event)).to.equal(expected);
    });
  }

  it('should unescape \\, and \\= in values', () => {
    const match = parseFieldSelector('metadata.name=a\\,b\\=c');
    expect(match({ metadata: { name: 'a,b=c' } })).to.equal(true);
    expect(match({ metadata: { name: 'a' } })).to.equal(false);
  });

  for (const selector of ['metadata.name', '=x', 'metadata.name=a=b', 'metadata.name=a\\x', 'meta data=x']) {
    it(`should refuse "${selector}" with a SelectorError`, () => {
      expect(() => parseFieldSelector(selector)).to.throw(SelectorError);
    });
  }

  it('should report the paths and the pinned values of a selector', () => {
    expect(fieldSelectorPaths('metadata.name=x,spec.nodeName!=')).to.deep.equal([
      'metadata.name',
      'spec.nodeName',
    ]);
    expect(fieldSelectorEqualities('metadata.name==x,metadata.namespace!=y')).to.deep.equal({
      'metadata.name': 'x',
    });
  });
});
