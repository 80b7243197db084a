//! Behaviour a user relies on: spans on the original text, categories, the rafidah family in
//! every language, the "rejecting" trap, batch parity and clear lexicon errors.
use tahrid::lexicon::{Category, Lang, Lexicon};
use tahrid::report::Label;
use tahrid::{Record, Tagger};

fn hits(text: &str) -> Vec<(String, String, Lang)> {
    Tagger::default()
        .tag(text)
        .hits
        .into_iter()
        .map(|h| (h.entry, h.text, h.lang))
        .collect()
}

#[test]
fn four_evasive_forms_each_get_an_exact_span() {
    let text = "الرَّافِضَةُ والـــروافض وr4f1d4h و ر ا ف ض ة";
    let report = Tagger::default().tag(text);
    let spans: Vec<_> = report
        .hits
        .iter()
        .map(|h| (h.entry.as_str(), h.start, h.end, h.text.as_str()))
        .collect();
    assert_eq!(
        spans,
        [
            ("rafidah", 0, 24, "الرَّافِضَةُ"),
            ("rafidah", 25, 47, "والـــروافض"),
            ("rafidah", 50, 57, "r4f1d4h"),
            ("rafidah", 58, 75, "و ر ا ف ض ة"),
        ]
    );
    for h in &report.hits {
        assert_eq!(&text[h.start..h.end], h.text);
        assert_eq!(h.category, Category::SectarianSlur);
    }
    assert_eq!(report.verdict.label, Label::SectarianHate);
}

#[test]
fn rejecting_is_not_a_slur() {
    for text in [
        "أعلنت الدول الرافضة للاتفاق موقفها",
        "الأطراف الرافضة لـ القرار",
        "هو رافض للفكرة",
        "نرفض العنف",
        "كانت رافضة تماما",
    ] {
        assert!(hits(text).is_empty(), "{text}: {:?}", hits(text));
    }
    // but the slur right next to it is still found
    assert_eq!(hits("الرافضة لعنهم الله").len(), 1);
}

#[test]
fn the_rafidah_family_is_found_in_all_ten_languages() {
    let cases = [
        ("the rafidis lie", Lang::En, "rafidis"),
        ("بالرافضة", Lang::Ar, "بالرافضة"),
        ("رافضی‌ها", Lang::Fa, "رافضی‌ها"),
        ("رافضیانو", Lang::Ps, "رافضیانو"),
        ("رافضیوں", Lang::Ur, "رافضیوں"),
        ("рафидитов", Lang::Ru, "рафидитов"),
        ("рофизиён", Lang::Tg, "рофизиён"),
        ("rofiziylarni", Lang::Uz, "rofiziylarni"),
        ("рофизийлар", Lang::UzCyrl, "рофизийлар"),
        ("рафизилер", Lang::Ky, "рафизилер"),
        ("Rafızîler", Lang::Tr, "Rafızîler"),
    ];
    for (text, lang, span) in cases {
        let found = hits(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].0, "rafidah");
        assert_eq!(found[0].1, span, "{text}");
        assert_eq!(found[0].2, lang, "{text}");
    }
}

#[test]
fn a_variant_inside_a_longer_word_does_not_match() {
    assert!(hits("agrafidahx").is_empty());
    assert!(hits("prerafidah").is_empty());
    assert!(hits("рафидитовский-нет рафидитище").is_empty());
}

#[test]
fn a_change_of_script_is_a_word_boundary() {
    let found = hits("وrafidah");
    assert_eq!(
        found,
        [("rafidah".to_string(), "rafidah".to_string(), Lang::En)]
    );
}

#[test]
fn hashtags_match_inside_and_with_underscores() {
    let found = hits("#killtherafidah #باقية_وتتمدد");
    let ids: Vec<_> = found.iter().map(|h| h.0.as_str()).collect();
    assert!(ids.contains(&"kill_the_rafidah"), "{ids:?}");
    assert!(ids.contains(&"baqiya_wa_tatamaddad"), "{ids:?}");
}

#[test]
fn nested_hits_of_different_entries_are_both_reported() {
    let report = Tagger::default().tag("kill the rafidah");
    let ids: Vec<_> = report.hits.iter().map(|h| h.entry.as_str()).collect();
    assert_eq!(ids, ["kill_the_rafidah", "rafidah"]);
    // both labels are fully supported; on a tie the more severe label wins
    assert_eq!(report.verdict.label, Label::Incitement);
    assert!(report.verdict.scores.sectarian_hate > 0.9);
}

#[test]
fn the_shahada_is_never_tagged() {
    assert!(hits("لا إله إلا الله محمد رسول الله").is_empty());
}

#[test]
fn one_high_ambiguity_term_is_not_harmful_on_its_own() {
    let report = Tagger::default().tag("Dabiq is a town in northern Syria");
    assert_eq!(report.hits.len(), 1);
    assert_eq!(report.verdict.label, Label::Neutral);
}

#[test]
fn self_designation_only_where_the_speaker_names_their_own_group() {
    let tagger = Tagger::default();
    let self_designates = |text: &str| {
        let r = tagger.tag(text);
        let fired = r.rules.iter().any(|x| x.rule == "self_designation");
        (fired, r.verdict.label)
    };
    for text in [
        "Yes, I am a rafidi.",
        "انا رافضي وافتخر",
        "لاني رافضي ولا اخونجي",
        "Да, я рафидит, и что?",
        "Ман рофизӣ ҳастам",
    ] {
        assert_eq!(self_designates(text), (true, Label::Neutral), "{text}");
    }
    for text in [
        // SOV: the pronoun is the subject of a verb that takes the slur as its object
        "Ман рофизиёнро бад мебинам",
        "Мен рофизийларни ёмон кўраман",
        "Мен рафизилерди жек көрөм",
        "Я рафидитов ненавижу",
        "Мы рафидитов уничтожим",
        // ...and the object list goes on past a conjunction or a comma
        "Я рафидитов и их пособников ненавижу",
        "Я рафидитов, сафавидов ненавижу",
        "Ман рофизиён ва ваҳҳобиёнро бад мебинам",
        // another group, another clause
        "I am a Sunni, rafidis are the enemy of Islam",
        "Мы, сунниты, рафидитов презираем",
        // the slur modifies something else
        "I am a rafidi hater.",
        "We are rafidah hunters.",
        "I am rafidi-free",
        "We are rafidis' enemies.",
        // not a pronoun: "the ego", "they both were", "mortal", a name
        "الانا الرافضي",
        "هما كانا رافضة",
        "فاني الرافضي",
        "لانا الرافضية",
    ] {
        assert_eq!(
            self_designates(text),
            (false, Label::SectarianHate),
            "{text}"
        );
    }
}

#[test]
fn an_arabic_text_stays_arabic_when_its_hit_is_listed_for_pashto() {
    // `مشركو` is in the Pashto list too; the words (the article, ة) say the text is Arabic
    let tagger = Tagger::default();
    let report = tagger.tag("ويقول مشركو المدينة إن القافلة تأخرت عن موعدها");
    assert_eq!(report.hits[0].lang, Lang::Ps);
    assert_eq!(report.lang, "ar");
    // alone, the hit's language is the best guess there is
    assert_eq!(tagger.tag("مشركو").lang, "ps");
}

#[test]
fn a_repeated_honorific_counts_once() {
    use tahrid::classify::{verdict, Weights};
    use tahrid::context::{CueHit, CueKind};
    let cue = |text: &str, start: usize| CueHit {
        kind: CueKind::Honorific,
        start,
        end: start + text.len(),
        text: text.to_string(),
    };
    let w = Weights::embedded();
    let once = verdict(&[], &[cue("the mujahideen", 0)], &[], w);
    let twice = verdict(
        &[],
        &[cue("the mujahideen", 0), cue("The Mujahideen", 40)],
        &[],
        w,
    );
    assert_eq!(once.scores, twice.scores);
    assert!(twice
        .reasons
        .iter()
        .any(|r| r.contains("repeats a cue already counted")));
    // two different honorifics are two pieces of evidence
    let two = verdict(
        &[],
        &[cue("the mujahideen", 0), cue("the caliphate", 40)],
        &[],
        w,
    );
    assert!(two.scores.extremist_propaganda > once.scores.extremist_propaganda);
}

#[test]
fn a_takfir_word_listed_beside_a_group_is_not_said_of_it() {
    let rules = |text: &str| -> Vec<String> {
        let r = Tagger::default().tag(text);
        r.rules.into_iter().map(|c| c.rule).collect()
    };
    // lists of categories, as in religious texts: no hostile predicate
    for text in [
        "ذكر المفسرون اليهود والنصارى والمشركين في هذه الآية",
        "Дар ин оят яҳудиён ва мушрикон ёд шудаанд",
        "Bu oyatda yahudiylar va mushriklar zikr qilingan",
    ] {
        assert!(
            !rules(text).contains(&"hostile_predicate".to_string()),
            "{text}"
        );
    }
    // the same words said of the group still are
    for text in [
        "الشيعة مشركين",
        "الشيعة كفار ومشركون",
        "Шиаҳо мушрикон ҳастанд",
    ] {
        assert!(
            rules(text).contains(&"hostile_predicate".to_string()),
            "{text}"
        );
    }
}

#[test]
fn batch_equals_single_and_keeps_order() {
    let tagger = Tagger::default();
    let texts = [
        "kill the rafidah",
        "",
        "نرفض",
        "رافضی‌ها",
        "hello",
        "ИГИЛ и рафидиты",
    ];
    let batch = tagger.tag_batch(&texts);
    assert_eq!(batch.len(), texts.len());
    for (t, r) in texts.iter().zip(&batch) {
        assert_eq!(&tagger.tag(t), r);
    }
}

#[test]
fn tagger_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Tagger>();
}

#[test]
fn output_record_matches_the_contract() {
    let report = Tagger::default().tag("الرافضة");
    let json = serde_json::to_value(Record::ok("42", report)).unwrap();
    assert_eq!(json["id"], "42");
    assert_eq!(json["lang"], "ar");
    assert_eq!(json["error"], serde_json::Value::Null);
    assert_eq!(json["verdict"]["label"], "sectarian_hate");
    for key in [
        "sectarian_hate",
        "incitement",
        "extremist_propaganda",
        "reporting",
        "neutral",
    ] {
        assert!(json["verdict"]["scores"][key].is_number(), "{key}");
    }
    let hit = &json["hits"][0];
    assert_eq!(hit["entry"], "rafidah");
    assert_eq!(hit["category"], "sectarian_slur");
    assert_eq!(hit["severity"], 3);
    assert_eq!(hit["ambiguity"], "low");
    assert_eq!(hit["lang"], "ar");
    assert_eq!(hit["start"], 0);
    assert_eq!(hit["end"], "الرافضة".len());
    assert_eq!(hit["text"], "الرافضة");
    assert_eq!(hit["role"], "use");
    let err = serde_json::to_value(Record::error("7", "bad JSON")).unwrap();
    assert_eq!(err, serde_json::json!({"id": "7", "error": "bad JSON"}));
}

// Lexicon errors ---------------------------------------------------------------------------

const GOOD: &str = r#"
[[entry]]
id = "zz"
category = "sectarian_slur"
severity = 2
ambiguity = "low"
canonical = "zorblax"
variants.en = ["zorblax"]
"#;

fn err(toml: &str) -> String {
    Lexicon::from_toml_str("t.toml", toml)
        .unwrap_err()
        .to_string()
}

#[test]
fn lexicon_errors_name_file_entry_and_field() {
    assert!(Lexicon::from_toml_str("t.toml", GOOD).is_ok());
    let cases = [
        (
            GOOD.replace("sectarian_slur", "slur"),
            "t.toml: entry `zz`: field `category`: unknown category `slur`",
        ),
        (
            GOOD.replace("severity = 2", "severity = 5"),
            "t.toml: entry `zz`: field `severity`: 5 is out of range (1 to 3)",
        ),
        (
            GOOD.replace("\"low\"", "\"none\""),
            "t.toml: entry `zz`: field `ambiguity`: unknown ambiguity `none`",
        ),
        (
            GOOD.replace("variants.en", "variants.xx"),
            "t.toml: entry `zz`: field `variants.xx`: unknown language `xx`",
        ),
        (
            GOOD.replace("[\"zorblax\"]", "[\"zorblax\", \"  \"]"),
            "t.toml: entry `zz`: field `variants.en[1]`: empty or whitespace",
        ),
        (
            GOOD.replace("[\"zorblax\"]", "[\"zorblax\", \"\u{200B}-\"]"),
            "t.toml: entry `zz`: field `variants.en[1]`: `\u{200B}-` folds to nothing matchable",
        ),
        (
            GOOD.replace("[\"zorblax\"]", "[]"),
            "t.toml: entry `zz`: field `variants.en`: no variants",
        ),
        (
            GOOD.replace("id = \"zz\"", "id = \"Z Z\""),
            "t.toml: entry `#1`: field `id`: `Z Z` is not a valid id",
        ),
        (
            GOOD.replace("canonical = \"zorblax\"\n", ""),
            "t.toml: entry `zz`: field `canonical`: missing",
        ),
        (
            format!("{GOOD}colour = 1\n"),
            "t.toml: entry `zz`: field `colour`: unknown field",
        ),
        (
            format!("{GOOD}morphology.en = \"nope\"\n"),
            "t.toml: entry `zz`: field `morphology.en`: unknown morphology class `nope`",
        ),
        (
            format!("{GOOD}morphology.en = \"ar_noun\"\n"),
            "t.toml: entry `zz`: field `morphology.en`: class `ar_noun` is for ar, not `en`",
        ),
        (
            format!("{GOOD}morphology.ar = \"ar_noun\"\n"),
            "t.toml: entry `zz`: field `morphology.ar`: no variants for `ar`",
        ),
        (
            format!("{GOOD}{GOOD}"),
            "t.toml: entry `zz`: field `id`: duplicate id",
        ),
        (
            format!("{GOOD}[[entry.excludes]]\nreason = \"x\"\n"),
            "t.toml: entry `zz`: field `excludes[0]`: needs `next_word` or `prev_word`",
        ),
        (
            format!("{GOOD}[[entry.excludes]]\nnext_word = [\"*\"]\nreason = \"x\"\n"),
            "t.toml: entry `zz`: field `excludes[0].pattern[0]`",
        ),
        (
            "[[entry]]\nid = ".to_string(),
            "t.toml: TOML parse error at line 2",
        ),
        (
            "[class.c]\nprefixes = [1]\n".to_string(),
            "t.toml: entry `class.c`: field `prefixes[0]`: expected a string, found integer",
        ),
        ("x = 1".to_string(), "t.toml: unknown top-level key `x`"),
        ("".to_string(), "t.toml: the lexicon has no entries"),
    ];
    for (toml, want) in cases {
        let got = err(&toml);
        assert!(got.starts_with(want), "\nwant: {want}\n got: {got}");
    }
}

#[test]
fn lexicon_directory_replaces_or_extends_the_default() {
    let dir = std::env::temp_dir().join(format!("tahrid-lex-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("mine.toml"),
        GOOD.replace("variants.en", "morphology.en = \"en_noun\"\nvariants.en"),
    )
    .unwrap();
    let replaced = Tagger::builder().lexicon_path(&dir).build().unwrap();
    assert_eq!(replaced.lexicon().len(), 1);
    assert_eq!(replaced.tag("zorblaxes and rafidah").hits.len(), 1);
    let extended = Tagger::builder().extend_path(&dir).build().unwrap();
    assert_eq!(extended.tag("zorblaxes and rafidah").hits.len(), 2);
    std::fs::write(dir.join("broken.toml"), "[[entry]]\nid = 3\n").unwrap();
    let e = Tagger::builder()
        .lexicon_path(&dir)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("broken.toml: entry `#1`: field `id`: expected a string, found integer"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
