//! Every lexicon entry's `examples` must be tagged with the entry, and its `counter_examples`
//! must not: a lexicon edit is tested by construction.
use tahrid::Tagger;

#[test]
fn every_entry_tags_its_examples_and_not_its_counter_examples() {
    let tagger = Tagger::default();
    let mut failures = Vec::new();
    for entry in tagger.lexicon().entries() {
        for ex in &entry.examples {
            let e = tagger.explain(ex);
            if !e.report.hits.iter().any(|h| h.entry == entry.id) {
                failures.push(format!(
                    "[{}] example not tagged: {ex:?}\n    folded: {:?}\n    hits: {:?}",
                    entry.id,
                    e.folded.as_str(),
                    e.report
                        .hits
                        .iter()
                        .map(|h| (&h.entry, &h.text))
                        .collect::<Vec<_>>()
                ));
            }
        }
        for ex in &entry.counter_examples {
            let e = tagger.explain(ex);
            if let Some(h) = e.report.hits.iter().find(|h| h.entry == entry.id) {
                failures.push(format!(
                    "[{}] counter-example tagged: {ex:?}\n    folded: {:?}\n    hit: {:?} via variant {:?}",
                    entry.id,
                    e.folded.as_str(),
                    h.text,
                    h.variant
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_entry_has_examples_counter_examples_and_sources() {
    for entry in Tagger::default().lexicon().entries() {
        assert!(!entry.examples.is_empty(), "{} has no examples", entry.id);
        assert!(
            !entry.counter_examples.is_empty(),
            "{} has no counter-examples",
            entry.id
        );
        assert!(!entry.sources.is_empty(), "{} has no sources", entry.id);
    }
}
