//! Invariants over random documents: mixed scripts, combining marks, invisible and control
//! characters, evasion-shaped runs and real lexicon variants. `tag` must never panic, every hit
//! must lie on char boundaries with `text == original[start..end]`, the offset map must be
//! monotonic, and a batch must give the same reports as single calls.
use proptest::prelude::*;
use std::sync::OnceLock;
use tahrid::normalize::Normalizer;
use tahrid::Tagger;

fn tagger() -> &'static Tagger {
    static T: OnceLock<Tagger> = OnceLock::new();
    T.get_or_init(Tagger::default)
}

fn with_ngram() -> &'static Tagger {
    static T: OnceLock<Tagger> = OnceLock::new();
    T.get_or_init(|| {
        Tagger::builder()
            .ngram(tahrid::model::NgramModel::embedded().clone())
            .build()
            .unwrap()
    })
}

/// Pieces that exercise the folding rules and the matcher.
fn piece() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "rafidah",
        "الرافضة",
        "روافض",
        "رافضی‌ها",
        "рафидиты",
        "рофизиён",
        "rofiziylarni",
        "Rafızîler",
        "kill the rafidah",
        "باقية وتتمدد",
        "r4f1d4h",
        "r.a.f.i.d.a.h",
        "ر ا ف ض ة",
        "raaaafidahhh",
        "للاتفاق",
        "#killtherafidah",
        "ISIS",
        "IŞİD'in",
        "ﻻ",
        "ß",
        "İ",
        "ё",
        "𝐫𝐚𝐟",
        "ｒａｆ",
        "\u{200B}",
        "\u{200C}",
        "\u{202E}",
        "\u{FEFF}",
        "ـــ",
        "\u{064E}\u{0651}",
        "\u{0301}\u{0301}\u{0301}",
        "'",
        "ʻ",
        "’",
        "«",
        "»",
        "\"",
        " ",
        "  ",
        ".",
        "-",
        "_",
        "!",
        "@",
        "4",
        "1",
        "\n",
        "\t",
        "\r\n",
        "\u{0}",
        "\u{7F}",
        "\u{FFFD}",
        "😀",
        "👍🏽",
        "a",
        "р",
        "ا",
        "x",
    ]);
    prop_oneof![
        3 => fragments.prop_map(str::to_string),
        2 => any::<char>().prop_map(|c| c.to_string()),
        1 => "[a-zA-Zа-яА-Яёӣӯҳҷқғўңөүıİşğ0-9 .@!_'-]{1,12}",
        1 => "[\u{0600}-\u{06FF}\u{0750}-\u{077F} \u{200C}]{1,10}",
        1 => "[\u{0300}-\u{036F}\u{064B}-\u{065F}\u{200B}-\u{200F}\u{202A}-\u{202E}]{1,6}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..24).prop_map(|v| v.concat())
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let folded = Normalizer::default().fold(text);
    // monotonic map, every folded char on char boundaries of the original, never going back
    if let Err(e) = folded.validate(text) {
        return Err(TestCaseError::fail(e));
    }
    let report = tagger().tag(text);
    // spans on char boundaries, `text == original[start..end]`, hits ordered, scores in [0, 1]
    if let Err(e) = report.validate(text) {
        return Err(TestCaseError::fail(e));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn tag_never_panics_and_spans_point_at_the_original(text in document()) {
        check(&text)?;
    }

    #[test]
    fn arbitrary_unicode_strings(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn the_ngram_stage_keeps_hits_and_spans_and_never_lowers_harm(text in document()) {
        let rules = tagger().tag(&text);
        let both = with_ngram().tag(&text);
        if let Err(e) = both.validate(&text) {
            return Err(TestCaseError::fail(e));
        }
        prop_assert_eq!(&rules.hits, &both.hits);
        prop_assert_eq!(&rules.cues, &both.cues);
        for l in [tahrid::Label::SectarianHate, tahrid::Label::Incitement, tahrid::Label::ExtremistPropaganda] {
            prop_assert!(both.verdict.scores.get(l) >= rules.verdict.scores.get(l));
        }
        if rules.verdict.label.is_harmful() {
            prop_assert_eq!(rules.verdict.label, both.verdict.label);
        }
        prop_assert!(both.verdict.reasons.iter().any(|r| r.starts_with("n-gram model `")));
    }

    #[test]
    fn batch_equals_single(texts in prop::collection::vec(document(), 1..6)) {
        let batch = tagger().tag_batch(&texts);
        for (t, r) in texts.iter().zip(&batch) {
            prop_assert_eq!(&tagger().tag(t), r);
        }
    }

    #[test]
    fn folding_is_idempotent_on_plain_words(text in "[a-z]{1,8}( [a-z]{2,8}){0,5}") {
        // folding a folded text changes nothing
        let folded = Normalizer::default().fold_str(&text);
        let again = Normalizer::default().fold_str(&folded);
        prop_assert_eq!(folded, again);
    }
}
