//! The n-gram stage's features: hashed words and character n-grams of the folded text.
/// Reused buffers of the feature extractor.
#[derive(Default)]
pub(super) struct Scratch {
    buckets: Vec<u32>,
    offsets: Vec<usize>,
    padded: String,
    pub(super) out: Vec<(u32, f32)>,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x100_0000_01b3;

fn fnv(seed: u8, bytes: &[u8]) -> u64 {
    bytes.iter().fold(
        (FNV_OFFSET ^ seed as u64).wrapping_mul(FNV_PRIME),
        |h, &b| (h ^ b as u64).wrapping_mul(FNV_PRIME),
    )
}

/// The feature vector of a folded text: sorted `(bucket, value)` pairs with distinct
/// buckets below `2^bits` and unit length (see the [module docs](super), step 1); returns the
/// number of words read. Trainers use it to build their inputs; the model computes the same
/// vector internally.
///
/// ```
/// let mut v = Vec::new();
/// assert_eq!(tahrid::model::ngram::features("ab ab", 20, &mut v), 2);
/// // "ab" (word), " ", "a", "b", " a", "ab", "b ", " ab", "ab ", " ab "
/// assert_eq!(v.len(), 10);
/// let norm: f32 = v.iter().map(|(_, x)| x * x).sum();
/// assert!((norm - 1.0).abs() < 1e-5);
/// assert!(v.windows(2).all(|w| w[0].0 < w[1].0));
/// ```
pub fn features(folded: &str, bits: u32, out: &mut Vec<(u32, f32)>) -> usize {
    let bits = bits.clamp(1, 31);
    let mut s = Scratch {
        out: std::mem::take(out),
        ..Scratch::default()
    };
    let words = features_with(folded, bits, &mut s);
    *out = s.out;
    words
}

/// Fills `s.out`; returns the number of words read.
pub(super) fn features_with(folded: &str, bits: u32, s: &mut Scratch) -> usize {
    let mut words = 0;
    let mask = (1u64 << bits) - 1;
    s.buckets.clear();
    s.out.clear();
    for word in folded
        .split_whitespace()
        .filter(|t| !is_address(t))
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
    {
        words += 1;
        s.buckets.push((fnv(0, word.as_bytes()) & mask) as u32);
        s.padded.clear();
        s.padded.push(' ');
        s.padded.push_str(word);
        s.padded.push(' ');
        s.offsets.clear();
        s.offsets.extend(s.padded.char_indices().map(|(i, _)| i));
        s.offsets.push(s.padded.len());
        let chars = s.offsets.len() - 1;
        let bytes = s.padded.as_bytes();
        for n in 1..=4usize.min(chars) {
            for i in 0..=chars - n {
                let gram = &bytes[s.offsets[i]..s.offsets[i + n]];
                s.buckets.push((fnv(n as u8, gram) & mask) as u32);
            }
        }
    }
    s.buckets.sort_unstable();
    let mut i = 0;
    while i < s.buckets.len() {
        let b = s.buckets[i];
        let mut j = i + 1;
        while j < s.buckets.len() && s.buckets[j] == b {
            j += 1;
        }
        s.out.push((b, ((j - i) as f32).ln_1p()));
        i = j;
    }
    let norm = s.out.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        s.out.iter_mut().for_each(|(_, x)| *x /= norm);
    }
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
