//! The n-gram stage's features: hashed words and character n-grams of the folded text.
use crate::script::is_alnum;

/// Reused buffers of the feature extractor.
#[derive(Default)]
pub(super) struct Scratch {
    offsets: Vec<usize>,
    /// One bit per bucket, all zero between texts.
    seen: Vec<u64>,
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
pub(super) fn features_with(folded: &str, bits: u32, s: &mut Scratch) -> usize {
    let mut words = 0;
    let mask = (1u64 << bits) - 1;
    let Scratch { offsets, seen, out } = s;
    out.clear();
    let words_needed = (1usize << bits).div_ceil(64);
    if seen.len() != words_needed {
        *seen = vec![0; words_needed];
    }
    // presence, not counts: a bit per bucket (2^16 buckets are 8 KiB, which stay in the
    // fastest cache; a counter per bucket did not, and cost more than the hashing)
    let mut add = |h: u64| {
        let b = (h & mask) as usize;
        let (word, bit) = (b / 64, 1u64 << (b % 64));
        if seen[word] & bit == 0 {
            seen[word] |= bit;
            out.push((b as u32, 1.0));
        }
    };
    for word in folded
        .split_whitespace()
        .filter(|t| !is_address(t))
        .flat_map(|t| t.split(|c: char| !is_alnum(c)))
        .filter(|w| !w.is_empty())
    {
        words += 1;
        add(fnv(WORD_SEED, word.as_bytes()));
        // the word's chars, with a space before and after: piece k of `total`
        offsets.clear();
        offsets.extend(word.char_indices().map(|(i, _)| i));
        offsets.push(word.len());
        let total = offsets.len() + 1;
        let bytes = word.as_bytes();
        let piece = |k: usize| -> &[u8] {
            if k == 0 || k == total - 1 {
                b" "
            } else {
                &bytes[offsets[k - 1]..offsets[k]]
            }
        };
        // the 1- to 4-grams starting at one char extend one FNV state: a gram's bytes tell
        // its length, so grams of different lengths need no marker to hash apart
        for i in 0..total {
            let mut h = FNV_OFFSET;
            for k in i..(i + 4).min(total) {
                for &b in piece(k) {
                    h = (h ^ b as u64).wrapping_mul(FNV_PRIME);
                }
                add(h);
            }
        }
    }
    for &(b, _) in out.iter() {
        seen[b as usize / 64] = 0;
    }
    // unit length
    let value = 1.0 / (out.len().max(1) as f32).sqrt();
    out.iter_mut().for_each(|(_, x)| *x = value);
    words
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

/// Links, e-mail addresses and @-handles: they name a place or a person, not what a text says
/// about anyone, and in labelled data they mostly tell which collection a text came from.
fn is_address(token: &str) -> bool {
    token.starts_with('@')
        || token.contains("://")
        || token.starts_with("www.")
        || (token.contains('/') && token.contains('.'))
        || (token.contains('@') && token.contains('.'))
}

/// A numerically stable softmax.
pub(super) fn softmax<const N: usize>(logits: [f32; N]) -> [f32; N] {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut e = logits.map(|l| (l - max).exp());
    let sum: f32 = e.iter().sum();
    e.iter_mut().for_each(|x| *x /= sum);
    e
}
