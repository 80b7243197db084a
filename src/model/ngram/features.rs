//! The n-gram stage's features: hashed words and character n-grams of the folded text.
use crate::script::{is_address, is_alnum};

/// Reused buffers of the feature extractor.
#[derive(Default)]
pub(super) struct Scratch {
    /// The word being hashed, with a space before and after.
    padded: Vec<u8>,
    /// Where the pieces of `padded` start (the space, each char, the space), and its end.
    bounds: Vec<usize>,
    /// The hashes of the word being read, in order.
    hashes: Vec<u64>,
    /// The words of the token being read: start, end and char width (see `features_with`).
    spans: Vec<(usize, usize, usize)>,
    /// One bit per bucket, all zero between texts.
    seen: Vec<u64>,
    /// The buckets seen, in order, with one slot to spare (see `features_with`).
    buckets: Vec<u32>,
    pub(super) out: Vec<(u32, f32)>,
}

impl Scratch {
    /// Runs `f` with this thread's scratch buffers (fresh ones if they are in use).
    pub(super) fn with<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => f(&mut s),
            Err(_) => f(&mut Scratch::default()),
        })
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x100_0000_01b3;
/// Mixed into a whole word's hash, so that a word and an n-gram of the same bytes differ.
const WORD_SEED: u8 = 0xff;

fn fnv(seed: u8, bytes: &[u8]) -> u64 {
    bytes.iter().fold(
        (FNV_OFFSET ^ seed as u64).wrapping_mul(FNV_PRIME),
        |h, &b| (h ^ b as u64).wrapping_mul(FNV_PRIME),
    )
}

/// The feature vector of a folded text: `(bucket, value)` pairs with distinct buckets below
/// `2^bits` (`bits` is clamped to 1–24), in the order they were first seen, of unit length
/// (see the [module docs](super), step 1); returns the number of words read. Trainers use it
/// to build their inputs; the model computes the same vector internally.
///
/// ```
/// let mut v = Vec::new();
/// assert_eq!(tahrid::model::ngram::features("ab ab", 20, &mut v), 2);
/// // "ab" (word), " ", "a", "b", " a", "ab", "b ", " ab", "ab ", " ab "
/// assert_eq!(v.len(), 10);
/// let norm: f32 = v.iter().map(|(_, x)| x * x).sum();
/// assert!((norm - 1.0).abs() < 1e-5);
/// let mut buckets: Vec<u32> = v.iter().map(|(b, _)| *b).collect();
/// buckets.sort();
/// buckets.dedup();
/// assert_eq!(buckets.len(), v.len()); // distinct
/// ```
pub fn features(folded: &str, bits: u32, out: &mut Vec<(u32, f32)>) -> usize {
    let bits = bits.clamp(1, 24);
    Scratch::with(|s| {
        let words = features_with(folded, bits, s);
        out.clear();
        out.extend_from_slice(&s.out);
        words
    })
}

/// Fills `s.out`; returns the number of words read.
///
/// The text is read once, a whitespace-separated token at a time (the tokens of
/// `str::split_whitespace`), each char decoded once: the token's words, runs of letters and
/// digits, are noted as the scan passes them. A token that is an address (a link, e-mail address or @-handle) is
/// skipped; the words of the others are hashed. Each word adds its own hash and the
/// hashes of its chars' 1- to 4-grams (with a space before and after the word), by start and
/// then by length. A bucket is kept the first time it is seen: a bit per bucket says whether
/// it was, and the bucket is written to the next free slot either way but the slot is taken
/// only if it is new, which saves a hard-to-predict branch per gram.
pub(super) fn features_with(folded: &str, bits: u32, s: &mut Scratch) -> usize {
    let mut words = 0;
    let mask = (1u64 << bits) - 1;
    let Scratch {
        padded,
        bounds,
        hashes,
        spans,
        seen,
        buckets,
        out,
    } = s;
    out.clear();
    let words_needed = (1usize << bits).div_ceil(64);
    if seen.len() != words_needed {
        *seen = vec![0; words_needed];
    }
    // at most 2^bits distinct buckets, and one slot for the write that is not kept
    buckets.resize((1usize << bits) + 1, 0);
    let mut len = 0usize;
    // presence, not counts: a bit per bucket (2^16 buckets are 8 KiB, which stay in the
    // fastest cache; a counter per bucket did not, and cost more than the hashing)
    let mut add = |h: u64| {
        let b = (h & mask) as usize;
        let (word, bit) = (b / 64, 1u64 << (b % 64));
        let new = seen[word] & bit == 0;
        seen[word] |= bit;
        buckets[len] = b as u32;
        len += usize::from(new);
    };
    // one pass over the chars: a token ends at whitespace, and its words (runs of letters
    // and digits) are noted as they end, with the width of their chars (1 or 2 bytes each,
    // or 0: mixed); they are hashed once the token is known not to be an address
    let bytes = folded.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let (c, l) = char_at(folded, i);
        if c.is_whitespace() {
            i += l;
            continue;
        }
        // a token: up to the next whitespace
        let start = i;
        let (mut at, mut slash) = (false, false);
        let mut word: Option<(usize, usize)> = None; // start and width of the open word
        spans.clear();
        while i < bytes.len() {
            let (c, l) = char_at(folded, i);
            if c.is_whitespace() {
                break;
            }
            if is_alnum(c) {
                word = Some(match word {
                    None => (i, l),
                    Some((w, width)) => (w, if width == l { width } else { 0 }),
                });
            } else {
                at |= c == '@';
                slash |= c == '/';
                if let Some((w, width)) = word.take() {
                    spans.push((w, i, width));
                }
            }
            i += l;
        }
        if let Some((w, width)) = word {
            spans.push((w, i, width));
        }
        let token = &folded[start..i];
        // (an address holds `@` or `/`, or starts with `www.`)
        if (at || slash || token.starts_with("www.")) && is_address(token) {
            continue;
        }
        for &(w, e, width) in spans.iter() {
            words += 1;
            // hashed first, all grams at once (independent chains), then taken in order
            hash_word(&folded[w..e], width, padded, bounds, hashes);
            hashes.iter().for_each(|&h| add(h));
        }
    }
    for &b in &buckets[..len] {
        seen[b as usize / 64] = 0;
    }
    // unit length
    let value = 1.0 / (len.max(1) as f32).sqrt();
    out.extend(buckets[..len].iter().map(|&b| (b, value)));
    words
}

/// The char at byte `i` of `text` (a char boundary) and its length; ASCII inline.
#[inline(always)]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (char::from(b), 1);
    }
    let c = text[i..].chars().next().unwrap_or(' ');
    (c, c.len_utf8())
}

/// Writes a word's hash, then its chars' 1- to 4-grams, with a space before and after the word
/// (pieces: the space, each char, the space), by start and then by length. The grams starting
/// at one piece extend one FNV state: a gram's bytes tell its length, so grams of different
/// lengths need no marker to hash apart. `width` is the byte length of every char of the
/// word, or 0 when they differ.
#[inline(always)]
fn hash_word(
    word: &str,
    width: usize,
    padded: &mut Vec<u8>,
    bounds: &mut Vec<usize>,
    out: &mut Vec<u64>,
) {
    out.clear();
    out.push(fnv(WORD_SEED, word.as_bytes()));
    let w = word.as_bytes();
    // words whose chars are all one byte (ASCII) or all two (Cyrillic, Arabic, Greek...) take
    // loops of fixed shape; the others go through the chars' byte bounds
    match width {
        1 => return hash_uniform::<1>(w, out),
        2 => return hash_uniform::<2>(w, out),
        _ => {}
    }
    padded.clear();
    padded.push(b' ');
    padded.extend_from_slice(w);
    padded.push(b' ');
    bounds.clear();
    bounds.push(0);
    bounds.extend(word.char_indices().map(|(o, _)| o + 1));
    bounds.push(word.len() + 1);
    bounds.push(word.len() + 2);
    let pieces = bounds.len() - 1;
    for i in 0..pieces {
        let mut h = FNV_OFFSET;
        for k in i..(i + 4).min(pieces) {
            for &b in &padded[bounds[k]..bounds[k + 1]] {
                h = (h ^ b as u64).wrapping_mul(FNV_PRIME);
            }
            out.push(h);
        }
    }
}

/// [`hash_word`] for a word whose chars all take `S` bytes: the same hashes in the same order.
/// The pieces are the space, `len / S` chars and the space; a piece's hash step is fixed in
/// shape, and the grams are written to slots computed in advance.
#[inline(always)]
fn hash_uniform<const S: usize>(w: &[u8], out: &mut Vec<u64>) {
    let pieces = w.len() / S + 2;
    let step = |mut h: u64, k: usize| {
        if k == 0 || k == pieces - 1 {
            return (h ^ b' ' as u64).wrapping_mul(FNV_PRIME);
        }
        for &b in &w[(k - 1) * S..k * S] {
            h = (h ^ b as u64).wrapping_mul(FNV_PRIME);
        }
        h
    };
    // grams starting at piece i: min(4, pieces - i), in all 4 * pieces - 6 (pieces >= 3)
    let start = out.len();
    out.resize(start + 4 * pieces - 6, 0);
    let grams = &mut out[start..];
    let mut at = 0;
    for i in 0..pieces {
        let mut h = FNV_OFFSET;
        for k in i..(i + 4).min(pieces) {
            h = step(h, k);
            grams[at] = h;
            at += 1;
        }
    }
}

/// The folded text with the bytes of `spans` (the words of the lexicon's hits) turned into
/// spaces: what the model reads when the rules have found terms. The model learns what the
/// rules do not know (the words around a term, hate without one) instead of learning the
/// terms' spellings again, which would confuse it on look-alike words the rules tell apart
/// (Arabic رافض, "one who refuses"). Spans that are not on char boundaries are left alone.
///
/// ```
/// use tahrid::model::ngram::mask;
/// assert_eq!(mask("kill the rafidah now", &[9..16]), "kill the         now");
/// assert_eq!(mask("é", &[0..1]), "é"); // not a char boundary: kept
/// ```
pub fn mask(folded: &str, spans: &[std::ops::Range<usize>]) -> String {
    let mut bytes = folded.as_bytes().to_vec();
    for r in spans {
        if r.start <= r.end && folded.is_char_boundary(r.start) && folded.is_char_boundary(r.end) {
            bytes[r.clone()].fill(b' ');
        }
    }
    // only whole chars were replaced by ASCII spaces
    String::from_utf8(bytes).unwrap_or_else(|_| folded.to_string())
}

/// A numerically stable softmax.
pub(super) fn softmax<const N: usize>(logits: [f32; N]) -> [f32; N] {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut e = logits.map(|l| (l - max).exp());
    let sum: f32 = e.iter().sum();
    e.iter_mut().for_each(|x| *x /= sum);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The extractor written the plain way (iterators, a branch per gram): the fast one must
    /// give the same buckets in the same order.
    fn reference(folded: &str, bits: u32) -> (Vec<u32>, usize) {
        let mask = (1u64 << bits) - 1;
        let mut out: Vec<u32> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut add = |h: u64| {
            if seen.insert(h & mask) {
                out.push((h & mask) as u32);
            }
        };
        let mut words = 0;
        for word in folded
            .split_whitespace()
            .filter(|t| !is_address(t))
            .flat_map(|t| t.split(|c: char| !is_alnum(c)))
            .filter(|w| !w.is_empty())
        {
            words += 1;
            add(fnv(WORD_SEED, word.as_bytes()));
            let mut pieces: Vec<&[u8]> = vec![b" "];
            pieces.extend(
                word.char_indices()
                    .map(|(i, c)| &word.as_bytes()[i..i + c.len_utf8()]),
            );
            pieces.push(b" ");
            for i in 0..pieces.len() {
                let mut h = FNV_OFFSET;
                for piece in &pieces[i..(i + 4).min(pieces.len())] {
                    for &b in *piece {
                        h = (h ^ b as u64).wrapping_mul(FNV_PRIME);
                    }
                    add(h);
                }
            }
        }
        (out, words)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        #[test]
        fn the_fast_extractor_equals_the_plain_one(
            text in "([a-z0-9 @/.:'\\-_#\t\n\u{a0}\u{2003}\u{3000}\u{85}абвҷ\u{0627}\u{0644}\u{0647}\u{06cc}\u{0660}中😀\u{1d400}]|www\\.|https://){0,40}",
            bits in 4u32..=16,
        ) {
            let mut s = Scratch::default();
            let words = features_with(&text, bits, &mut s);
            let (want, want_words) = reference(&text, bits);
            let got: Vec<u32> = s.out.iter().map(|(b, _)| *b).collect();
            proptest::prop_assert_eq!(got, want);
            proptest::prop_assert_eq!(words, want_words);
            // and the scratch is clean for the next text
            proptest::prop_assert!(s.seen.iter().all(|&w| w == 0));
        }
    }
}
