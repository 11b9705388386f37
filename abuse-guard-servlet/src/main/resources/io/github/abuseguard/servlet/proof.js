/*
 * abuse-guard's browser proof (abuse-guard.proof.*): asks this site for a challenge, solves it, and sends
 * the solution back, so that this browser's address earns its history. Load it on your page from the
 * filter (<script src="/abuse-guard/proof.js"></script>; data-endpoint="/path" when the file is served
 * under another name) and wait for window.abuseGuard.ready before the page's first API call: it resolves
 * to true once the proof was accepted, to false when it could not be given (it never rejects). The proof is
 * renewed every 15 minutes while the page is open; window.abuseGuard.fetch is fetch that, when a request
 * is refused for want of a history (the address changed, the history ran out), proves again and retries
 * once; window.abuseGuard.prove() proves again by itself.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var endpoint = (script && script.getAttribute('data-endpoint'))
    || (script && script.src ? script.src.replace(/\.js([?#].*)?$/, '') : '/abuse-guard/proof');
  var RENEW_MILLIS = 15 * 60 * 1000;
  var REFUSED_WITHOUT_HISTORY = ['proof-required', 'under-attack', 'site-under-attack', 'under-scrape', 'site-under-scrape'];
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];
  var schedule = new Int32Array(64);

  /* SHA-256 of an ASCII string (a challenge and a nonce are ASCII), as eight 32-bit words. */
  function sha256(text) {
    var length = text.length;
    var blocks = ((length + 8) >> 6) + 1;
    var words = new Int32Array(blocks * 16);
    for (var i = 0; i < length; i++) {
      words[i >> 2] |= (text.charCodeAt(i) & 0xff) << (24 - (i & 3) * 8);
    }
    words[length >> 2] |= 0x80 << (24 - (length & 3) * 8);
    words[blocks * 16 - 1] = length * 8;
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var m = schedule;
    for (var block = 0; block < blocks; block++) {
      var t;
      for (t = 0; t < 16; t++) {
        m[t] = words[block * 16 + t];
      }
      for (t = 16; t < 64; t++) {
        var x = m[t - 15];
        var y = m[t - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        m[t] = (m[t - 16] + s0 + m[t - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (t = 0; t < 64; t++) {
        var sum1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (k + sum1 + ((e & f) ^ (~e & g)) + K[t] + m[t]) | 0;
        var sum0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (sum0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0;
      h[1] = (h[1] + b) | 0;
      h[2] = (h[2] + c) | 0;
      h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0;
      h[5] = (h[5] + f) | 0;
      h[6] = (h[6] + g) | 0;
      h[7] = (h[7] + k) | 0;
    }
    return h;
  }

  function leadingZeroBits(hash) {
    var bits = 0;
    for (var i = 0; i < hash.length; i++) {
      if (hash[i] !== 0) {
        return bits + Math.clz32(hash[i]);
      }
      bits += 32;
    }
    return bits;
  }

  /* The first nonce from 0 that solves the challenge, in slices that leave the page responsive. */
  function solve(challenge, difficulty) {
    return new Promise(function (resolve) {
      var nonce = 0;
      (function slice() {
        for (var end = nonce + 4000; nonce < end; nonce++) {
          if (leadingZeroBits(sha256(challenge + ':' + nonce)) >= difficulty) {
            resolve(String(nonce));
            return;
          }
        }
        setTimeout(slice, 0);
      })();
    });
  }

  function attempt() {
    return fetch(endpoint, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('no challenge: ' + response.status);
        }
        return response.json();
      })
      .then(function (challenge) {
        return solve(challenge.challenge, challenge.difficulty).then(function (nonce) {
          return fetch(endpoint, {
            method: 'POST',
            credentials: 'same-origin',
            // the page's origin in Origin whatever the page's referrer policy: under no-referrer a POST would send
            // Origin: null, which a clone's page relayed by its proxy set to walk past the proxied check (probe70b);
            // strict-origin sends the origin alone, never the page's path and query (review120 F3: a reset token)
            referrerPolicy: 'strict-origin',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: 'challenge=' + encodeURIComponent(challenge.challenge) + '&nonce=' + nonce
          });
        });
      })
      .then(function (response) {
        return response.ok;
      });
  }

  var provedAt = 0;

  /* Proves, and once more with a new challenge if that failed (it expired, the address changed). */
  function prove() {
    var proving = attempt()
      .then(function (ok) {
        return ok || attempt();
      })
      .catch(function () {
        return attempt();
      })
      .catch(function () {
        return false;
      })
      .then(function (ok) {
        if (ok) {
          provedAt = Date.now();
        }
        return ok;
      });
    guard.ready = proving;
    return proving;
  }

  /*
   * A refusal the filter does not explain (abuse-guard.responses.explain: false), which it marks as its own: it
   * may be for want of a history, which a new proof gives. The application's own problems are never retried
   * (review51 F4: a look-alike type made the script send a refused order again).
   */
  function unexplained(problem) {
    return problem.reason === undefined && problem['refused-by'] === 'abuse-guard';
  }

  /* fetch, after the proof; proves again and retries once when refused for want of a history. */
  function guardedFetch(input, init) {
    // a Request's body is read by the first fetch: the retry sends a copy
    var again = typeof Request !== 'undefined' && input instanceof Request ? input.clone() : input;
    return guard.ready
      .then(function () {
        return fetch(input, init);
      })
      .then(function (response) {
        if ((response.status !== 429 && response.status !== 403) || Date.now() - provedAt < 10000) {
          return response;
        }
        return response.clone().json().then(function (problem) {
          if (!problem || (REFUSED_WITHOUT_HISTORY.indexOf(problem.reason) < 0 && !unexplained(problem))) {
            return response;
          }
          return prove().then(function (ok) {
            return ok ? fetch(again, init) : response;
          });
        }, function () {
          return response;
        });
      });
  }

  var guard = { ready: null, prove: prove, fetch: guardedFetch, sha256: sha256 };
  window.abuseGuard = guard;
  prove();
  setInterval(prove, RENEW_MILLIS);
})();
