import { expect } from 'chai';
import { compareVersions, isNewer, sameVersion } from '../../../src/core/rules/versions.js';

describe('versions', () => {
  describe('compareVersions', () => {
    const older: Array<[string, string, string]> = [
      ['122.15.0.36', '122.15.0.40', 'should order Yealink versions by their last segment'],
      ['122.9.0.99', '122.15.0.1', 'should compare segments as numbers, not as text'],
      ['8.0.0.999', '8.0.0.1050', 'should order Poly versions with a four-digit build'],
      ['7.1.5', '7.2.0', 'should order three-segment versions'],
      ['1.2-rc', '1.2', 'should sort a pre-release before its release'],
      ['1.2-rc', '1.2.0', 'should sort a pre-release before the padded release'],
      ['1.2-alpha', '1.2-beta', 'should order pre-releases by their text'],
      ['1.2-rc.2', '1.2-rc.10', 'should order numeric pre-release identifiers as numbers'],
      ['1.2-rc', '1.2-rc.1', 'should sort a shorter pre-release first'],
      ['1.2-1', '1.2-rc', 'should sort a numeric pre-release identifier before an alphanumeric one'],
      ['1.1.9', '1.2-rc', 'should sort a pre-release after the previous release'],
      ['1.2', '1.2.1', 'should treat a missing segment as 0'],
      ['1.0.2', '1.0.2a', 'should sort a lettered patch after the plain one'],
      ['1.0.beta', '1.0.0', 'should sort a text segment before a number'],
      [
        '1449/1.0.94.2023071702',
        '1452/1.0.94.2023080101',
        'should compare Teams app versions after the slash',
      ],
      [
        '1460/1.0.94.2023071702',
        '1449/1.0.95.2023010101',
        'should prefer the part after the slash to the code',
      ],
      [
        '1449/1.0.94.2023071702',
        '1450/1.0.94.2023071702',
        'should break a tie after the slash with the code',
      ],
      [
        '1.0.94.2023071702',
        '1449/1.0.94.2023071702',
        'should sort a version without code before one with it',
      ],
      ['99999999999999999998', '99999999999999999999', 'should compare numbers longer than 2^53 exactly'],
    ];
    for (const [a, b, name] of older) {
      it(`${name} (${a} < ${b})`, () => {
        expect(compareVersions(a, b)).to.be.lessThan(0);
        expect(compareVersions(b, a)).to.be.greaterThan(0);
        expect(isNewer(b, a)).to.equal(true);
        expect(isNewer(a, b)).to.equal(false);
      });
    }

    const same: Array<[string, string, string]> = [
      ['1.2', '1.2.0', 'should treat 1.2 and 1.2.0 as the same version'],
      ['1.2', '1.2.0.0', 'should pad any number of segments'],
      ['122.015.0.36', '122.15.0.36', 'should ignore leading zeros'],
      ['1.2-RC', '1.2-rc', 'should compare pre-release text case-insensitively'],
      [' 7.1.5 ', '7.1.5', 'should ignore surrounding whitespace'],
      ['v7.1.5', '7.1.5', 'should ignore a leading v'],
      ['7.1.5+build.7', '7.1.5', 'should ignore build metadata'],
      ['1449 / 1.0.94', '1449/1.0.94', 'should ignore spaces around the slash'],
    ];
    for (const [a, b, name] of same) {
      it(`${name} (${a} = ${b})`, () => {
        expect(compareVersions(a, b)).to.equal(0);
        expect(sameVersion(a, b)).to.equal(true);
      });
    }

    it('should sort a mixed list into one total order, the same from any starting order', () => {
      const sorted = [
        '1.0-alpha',
        '1.0-alpha.1',
        '1.0-beta',
        '1.0-rc.1',
        '1.0',
        '1.0.1',
        '1.0.2',
        '1.0.2a',
        '1.0.10',
        '1.1',
        '2.0.0.0',
        '10.0',
      ];
      const shuffled = [sorted[5], sorted[11], sorted[0], sorted[8], sorted[3], sorted[10], sorted[1]];
      const rest = sorted.filter((v) => !shuffled.includes(v));
      const input = [...shuffled, ...rest.reverse()] as string[];
      expect([...input].sort(compareVersions)).to.deep.equal(sorted);
      expect([...input].reverse().sort(compareVersions)).to.deep.equal(sorted);
    });

    it('should be transitive and antisymmetric over real vendor strings', () => {
      const versions = [
        '122.15.0.36',
        '122.15.0.40',
        '1.2',
        '1.2.0',
        '1.2-rc',
        '8.0.0.1050',
        '7.1.5',
        '1449/1.0.94.2023071702',
        '1.0.beta',
        '',
        'abc',
        '01.2',
      ];
      for (const a of versions) {
        for (const b of versions) {
          expect(Math.sign(compareVersions(a, b)), `${a} vs ${b}`).to.equal(
            -Math.sign(compareVersions(b, a)),
          );
          for (const c of versions) {
            if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) {
              expect(compareVersions(a, c), `${a} <= ${b} <= ${c}`).to.be.at.most(0);
            }
          }
        }
      }
    });
  });
});
