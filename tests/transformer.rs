//! The transformer stage on tiny random models that each test writes itself (config.json,
//! tokenizer.json and weights from a fresh, seeded VarStore): loading, masked batching parity,
//! label maps, zero-shot, cascade routing and clear errors. No network, no model hub.
#![cfg(feature = "transformer")]

use std::path::{Path, PathBuf};

use rust_bert::bert::{BertConfig, BertForSequenceClassification, BertModel};
use rust_bert::distilbert::{DistilBertConfig, DistilBertModelClassifier};
use rust_bert::roberta::RobertaForSequenceClassification;
use serde_json::json;
use tahrid::model::transformer::{Exemplar, ModelKind, Transformer};
use tahrid::model::{CascadePolicy, TextModel};
use tahrid::{Label, Tagger};
use tch::{nn::VarStore, Device, Kind, Tensor};

const WORDS: &[&str] = &[
    "the", "a", "of", "and", "to", "is", "are", "they", "them", "we", "kill", "death", "rafidah",
    "news", "report", "said", "weather", "fine", "today", "group", "people", "must", "be", "all",
    "city", "market", "football", "match", "won", "police",
];

/// A fresh directory for one model.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tahrid-tiny-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// vocab.txt and a BERT-style tokenizer.json, built with the tokenizers crate.
fn write_tokenizer(d: &Path) -> usize {
    use tokenizers::models::wordpiece::WordPiece;
    use tokenizers::normalizers::bert::BertNormalizer;
    use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
    use tokenizers::processors::bert::BertProcessing;
    let mut vocab: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    vocab.extend(WORDS.iter().map(|s| s.to_string()));
    for c in 'a'..='z' {
        vocab.push(c.to_string());
        vocab.push(format!("##{c}"));
    }
    for c in ['.', ',', '!', '?', '\''] {
        vocab.push(c.to_string());
    }
    std::fs::write(d.join("vocab.txt"), vocab.join("\n") + "\n").unwrap();
    let wp = WordPiece::from_file(d.join("vocab.txt").to_str().unwrap())
        .unk_token("[UNK]".into())
        .build()
        .unwrap();
    let mut tok = tokenizers::Tokenizer::new(wp);
    tok.with_normalizer(Some(BertNormalizer::default()));
    tok.with_pre_tokenizer(Some(BertPreTokenizer));
    tok.with_post_processor(Some(BertProcessing::new(
        ("[SEP]".into(), 3),
        ("[CLS]".into(), 2),
    )));
    tok.save(d.join("tokenizer.json"), false).unwrap();
    vocab.len()
}

fn id2label(labels: &[&str]) -> serde_json::Value {
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i.to_string(), json!(l)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn bert_config(vocab: usize, arch: &str, labels: &[&str], model_type: &str) -> serde_json::Value {
    let mut c = json!({
        "model_type": model_type,
        "architectures": [arch],
        "hidden_act": "gelu",
        "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1,
        "hidden_size": 32,
        "initializer_range": 0.02,
        "intermediate_size": 64,
        "max_position_embeddings": 64,
        "num_attention_heads": 4,
        "num_hidden_layers": 2,
        "type_vocab_size": if model_type == "bert" { 2 } else { 1 },
        "vocab_size": vocab,
        "pad_token_id": 0,
        "layer_norm_eps": 1e-12,
    });
    if !labels.is_empty() {
        c["id2label"] = id2label(labels);
        c["label2id"] = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.to_string(), json!(i)))
            .collect::<serde_json::Map<_, _>>()
            .into();
    }
    c
}

/// A tiny BERT (or XLM-R) classifier with random weights.
fn tiny_classifier(name: &str, labels: &[&str], model_type: &str, seed: i64) -> PathBuf {
    let d = dir(name);
    let vocab = write_tokenizer(&d);
    let arch = if model_type == "bert" {
        "BertForSequenceClassification"
    } else {
        "XLMRobertaForSequenceClassification"
    };
    let config = bert_config(vocab, arch, labels, model_type);
    std::fs::write(d.join("config.json"), config.to_string()).unwrap();
    let cfg: BertConfig = serde_json::from_value(config).unwrap();
    tch::manual_seed(seed);
    let vs = VarStore::new(Device::Cpu);
    if model_type == "bert" {
        BertForSequenceClassification::new(vs.root(), &cfg).unwrap();
    } else {
        RobertaForSequenceClassification::new(vs.root(), &cfg).unwrap();
    }
    vs.save(d.join("model.safetensors")).unwrap();
    d
}

fn tiny_distilbert(name: &str, labels: &[&str]) -> PathBuf {
    let d = dir(name);
    let vocab = write_tokenizer(&d);
    let config = json!({
        "model_type": "distilbert",
        "architectures": ["DistilBertForSequenceClassification"],
        "activation": "gelu",
        "attention_dropout": 0.1,
        "dim": 32,
        "dropout": 0.1,
        "hidden_dim": 64,
        "initializer_range": 0.02,
        "max_position_embeddings": 64,
        "n_heads": 4,
        "n_layers": 2,
        "qa_dropout": 0.1,
        "seq_classif_dropout": 0.2,
        "sinusoidal_pos_embds": false,
        "tie_weights_": true,
        "vocab_size": vocab,
        "pad_token_id": 0,
        "id2label": id2label(labels),
    });
    std::fs::write(d.join("config.json"), config.to_string()).unwrap();
    let cfg: DistilBertConfig = serde_json::from_value(config).unwrap();
    tch::manual_seed(7);
    let vs = VarStore::new(Device::Cpu);
    DistilBertModelClassifier::new(vs.root(), &cfg).unwrap();
    vs.save(d.join("model.safetensors")).unwrap();
    d
}

/// A tiny sentence-embedding BERT (no pooler, mean pooling), sentence-transformers layout.
fn tiny_embedder(name: &str) -> PathBuf {
    let d = dir(name);
    let vocab = write_tokenizer(&d);
    let config = bert_config(vocab, "BertModel", &[], "bert");
    std::fs::write(d.join("config.json"), config.to_string()).unwrap();
    std::fs::create_dir_all(d.join("1_Pooling")).unwrap();
    std::fs::write(
        d.join("1_Pooling/config.json"),
        r#"{"word_embedding_dimension": 32, "pooling_mode_mean_tokens": true}"#,
    )
    .unwrap();
    let cfg: BertConfig = serde_json::from_value(config).unwrap();
    tch::manual_seed(11);
    let vs = VarStore::new(Device::Cpu);
    BertModel::<rust_bert::bert::BertEmbeddings>::new_with_optional_pooler(vs.root(), &cfg, false);
    vs.save(d.join("model.safetensors")).unwrap();
    d
}

const MIXED: &[&str] = &[
    "kill them",
    "the weather is fine today and the football match was won by the city",
    "news",
    "the police said they must report all of the people of the market",
    "they are rafidah",
];

/// The message of a load that must fail.
fn load_error(d: &Path) -> String {
    Transformer::load(d).unwrap_err().to_string()
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// Every text's output alone equals its output inside the mixed-length batch.
fn assert_parity(rows_batch: &[Vec<f32>], alone: impl Fn(&str) -> Vec<f32>) -> f32 {
    let mut worst = 0.0f32;
    for (t, row) in MIXED.iter().zip(rows_batch) {
        let a = alone(t);
        let d = max_diff(&a, row);
        assert!(
            d <= 1e-5,
            "`{t}`: alone {a:?} vs in batch {row:?} (diff {d})"
        );
        worst = worst.max(d);
    }
    worst
}

#[test]
fn bert_classifier_masked_batching_parity() {
    let d = tiny_classifier("bert-parity", &["calm", "hate", "news"], "bert", 1);
    let m = Transformer::builder(&d)
        .labels([
            ("calm", Label::Neutral),
            ("hate", Label::SectarianHate),
            ("news", Label::Reporting),
        ])
        .build()
        .unwrap();
    assert_eq!(m.kind(), ModelKind::Classifier);
    let batch = m.logits(MIXED).unwrap();
    assert_parity(&batch, |t| m.logits(&[t]).unwrap().remove(0));
    // and the scores, which are what the cascade uses
    let scores = m.score_batch(MIXED).unwrap();
    for (t, s) in MIXED.iter().zip(&scores) {
        let alone = m.score_batch(&[t]).unwrap()[0];
        for l in Label::ALL {
            match (s.get(l), alone.get(l)) {
                (Some(x), Some(y)) => assert!((x - y).abs() <= 1e-5),
                (None, None) => {}
                other => panic!("{l:?}: {other:?}"),
            }
        }
        let total: f32 = s.iter().map(|(_, p)| p).sum();
        assert!(
            (total - 1.0).abs() < 1e-5,
            "softmax over mapped labels: {total}"
        );
        assert_eq!(s.get(Label::Incitement), None, "unmapped labels are absent");
    }
}

/// The same network without a mask: padding leaks into the short texts' outputs. This is
/// rust-bert's `predict` defect that the parity test above guards against.
#[test]
fn without_a_mask_padding_changes_the_output() {
    let d = tiny_classifier("bert-nomask", &["calm", "hate"], "bert", 2);
    let cfg: BertConfig =
        serde_json::from_str(&std::fs::read_to_string(d.join("config.json")).unwrap()).unwrap();
    let mut vs = VarStore::new(Device::Cpu);
    let net = BertForSequenceClassification::new(vs.root(), &cfg).unwrap();
    vs.load(d.join("model.safetensors")).unwrap();
    let short = Tensor::from_slice(&[2i64, 15, 16, 3]).view([1, 4]);
    let padded = Tensor::from_slice(&[2i64, 15, 16, 3, 0, 0, 0, 0]).view([1, 8]);
    let run = |ids: &Tensor| -> Vec<f32> {
        let out = tch::no_grad(|| {
            net.forward_t(Some(ids), None, None, None, None, false)
                .logits
        });
        Vec::<f32>::try_from(&out.to_kind(Kind::Float).flatten(0, -1)).unwrap()
    };
    let d = max_diff(&run(&short), &run(&padded));
    assert!(
        d > 1e-4,
        "padding without a mask should change the logits (diff {d})"
    );
    // and through our masked path it does not
    let m = Transformer::builder(tiny_classifier(
        "bert-nomask2",
        &["calm", "hate"],
        "bert",
        2,
    ))
    .labels([("hate", Label::SectarianHate)])
    .build()
    .unwrap();
    let alone = m.logits(&["kill them"]).unwrap();
    let batch = m
        .logits(&[
            "kill them",
            "the weather is fine today and the football match",
        ])
        .unwrap();
    assert!(max_diff(&alone[0], &batch[0]) <= 1e-5);
}

#[test]
fn xlm_roberta_and_distilbert_parity() {
    let d = tiny_classifier("xlmr", &["neutral", "incitement"], "xlm-roberta", 3);
    let m = Transformer::load(&d).unwrap(); // labels named after tahrid's: no map needed
    assert_eq!(m.kind(), ModelKind::Classifier);
    let batch = m.logits(MIXED).unwrap();
    assert_parity(&batch, |t| m.logits(&[t]).unwrap().remove(0));
    let s = m.score_batch(&["kill them"]).unwrap()[0];
    assert!(s.get(Label::Incitement).is_some() && s.get(Label::Neutral).is_some());

    let d = tiny_distilbert("distil", &["neutral", "sectarian_hate"]);
    let m = Transformer::load(&d).unwrap();
    let batch = m.logits(MIXED).unwrap();
    assert_parity(&batch, |t| m.logits(&[t]).unwrap().remove(0));
}

#[test]
fn embeddings_are_normalised_and_batch_invariant() {
    let d = tiny_embedder("embed");
    let m = Transformer::builder(&d)
        .default_exemplars(false)
        .exemplars([
            Exemplar {
                text: "kill them all".into(),
                label: Label::Incitement,
            },
            Exemplar {
                text: "the weather is fine".into(),
                label: Label::Neutral,
            },
            Exemplar {
                text: "the police said".into(),
                label: Label::Reporting,
            },
        ])
        .build()
        .unwrap();
    assert_eq!(m.kind(), ModelKind::Embedding);
    assert_eq!(m.exemplar_count(), 3);
    assert_eq!(m.hidden_size(), 32);
    let batch = m.embed(MIXED).unwrap();
    for v in &batch {
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "{norm}");
    }
    assert_parity(&batch, |t| m.embed(&[t]).unwrap().remove(0));
    // an exemplar is its own nearest neighbour: scoring it favours its label
    let s = m.score_batch(&["kill them all"]).unwrap()[0];
    assert!(s.get(Label::Incitement).unwrap() > s.get(Label::Neutral).unwrap());
    let total: f32 = s.iter().map(|(_, p)| p).sum();
    assert!((total - 1.0).abs() < 1e-5);
    assert_eq!(s.get(Label::SectarianHate), None, "no exemplars, no score");
}

#[test]
fn default_bank_and_a_linear_head() {
    let d = tiny_embedder("embed-head");
    let m = Transformer::load(&d).unwrap();
    assert!(
        m.exemplar_count() >= 200,
        "the fixtures are the default bank"
    );
    // a head that always says incitement
    let w = vec![0f32; 5 * 32];
    let b = [0f32, 10.0, 0.0, 0.0, 0.0];
    let head = d.join("head.safetensors");
    Tensor::write_safetensors(
        &[
            ("weight", Tensor::from_slice(&w).view([5, 32])),
            ("bias", Tensor::from_slice(&b)),
        ],
        &head,
    )
    .unwrap();
    let m = Transformer::builder(&d)
        .head_path(&head)
        .default_exemplars(false)
        .build()
        .unwrap();
    let s = m.score_batch(&["the weather is fine"]).unwrap()[0];
    assert!(s.get(Label::Incitement).unwrap() > 0.99);
    // a head for another model's size is refused, naming both shapes
    let bad = d.join("bad.safetensors");
    Tensor::write_safetensors(
        &[
            (
                "weight",
                Tensor::zeros([5, 384], (Kind::Float, Device::Cpu)),
            ),
            ("bias", Tensor::zeros([5], (Kind::Float, Device::Cpu))),
        ],
        &bad,
    )
    .unwrap();
    let e = Transformer::builder(&d)
        .head_path(&bad)
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("expected weight [5, 32]"), "{e}");
}

#[test]
fn zero_shot_scores_every_hypothesis() {
    let d = tiny_classifier(
        "nli",
        &["contradiction", "neutral", "entailment"],
        "bert",
        5,
    );
    let m = Transformer::load(&d).unwrap();
    assert_eq!(
        m.kind(),
        ModelKind::ZeroShot,
        "inferred from the entailment label"
    );
    let scores = m.score_batch(MIXED).unwrap();
    for (t, s) in MIXED.iter().zip(&scores) {
        assert_eq!(
            s.iter().count(),
            5,
            "defaults.toml has a hypothesis per label"
        );
        let total: f32 = s.iter().map(|(_, p)| p).sum();
        assert!((total - 1.0).abs() < 1e-5);
        let alone = m.score_batch(&[t]).unwrap()[0];
        for l in Label::ALL {
            assert!((alone.get(l).unwrap() - s.get(l).unwrap()).abs() <= 1e-5);
        }
    }
    let m = Transformer::builder(&d)
        .hypotheses([
            (Label::Incitement, "This calls for violence."),
            (Label::Neutral, "This is calm."),
        ])
        .build()
        .unwrap();
    let s = m.score_batch(&["kill them"]).unwrap()[0];
    assert_eq!(s.iter().count(), 2);
}

#[test]
fn descriptor_sets_kind_name_and_labels() {
    let d = tiny_classifier("described", &["LABEL_0", "LABEL_1"], "bert", 6);
    std::fs::write(
        d.join("tahrid-model.toml"),
        "kind = \"classifier\"\nname = \"tiny-hate\"\nmax_length = 16\n[labels]\nLABEL_1 = \"sectarian_hate\"\nLABEL_0 = \"neutral\"\n",
    )
    .unwrap();
    let m = Transformer::load(&d).unwrap();
    assert_eq!(m.name(), "tiny-hate");
    // max_length 16 truncates: a long text and its first words score alike
    let long = "the people of the city ".repeat(20);
    let s = m.score_batch(&[long.as_str()]).unwrap()[0];
    assert!(s.get(Label::SectarianHate).is_some());
    // a label the model does not have
    std::fs::write(
        d.join("tahrid-model.toml"),
        "[labels]\nLABEL_7 = \"neutral\"\n",
    )
    .unwrap();
    let e = load_error(&d);
    assert!(
        e.contains("the model has no label `LABEL_7` (it has LABEL_0, LABEL_1)"),
        "{e}"
    );
    // no map and no tahrid names
    std::fs::remove_file(d.join("tahrid-model.toml")).unwrap();
    let e = load_error(&d);
    assert!(e.contains("are not tahrid labels"), "{e}");
    // a bad label name in the map
    std::fs::write(
        d.join("tahrid-model.toml"),
        "[labels]\nLABEL_1 = \"evil\"\n",
    )
    .unwrap();
    let e = load_error(&d);
    assert!(
        e.contains("field `labels.LABEL_1`: expected a tahrid label"),
        "{e}"
    );
}

/// Our fused BERT forward pass and rust-bert's give the same numbers.
#[test]
fn fused_bert_matches_rust_bert() {
    let d = tiny_classifier(
        "fused-cls",
        &["neutral", "incitement", "reporting"],
        "bert",
        12,
    );
    let fused = Transformer::load(&d).unwrap();
    let plain = Transformer::builder(&d).fused(false).build().unwrap();
    assert!(fused.is_fused() && !plain.is_fused());
    let (a, b) = (fused.logits(MIXED).unwrap(), plain.logits(MIXED).unwrap());
    for (x, y) in a.iter().zip(&b) {
        assert!(max_diff(x, y) <= 1e-5, "{x:?} vs {y:?}");
    }
    let d = tiny_embedder("fused-emb");
    let fused = Transformer::builder(&d)
        .default_exemplars(false)
        .exemplars([Exemplar {
            text: "x".into(),
            label: Label::Neutral,
        }])
        .build()
        .unwrap();
    let plain = Transformer::builder(&d)
        .default_exemplars(false)
        .exemplars([Exemplar {
            text: "x".into(),
            label: Label::Neutral,
        }])
        .fused(false)
        .build()
        .unwrap();
    assert!(fused.is_fused());
    let (a, b) = (fused.embed(MIXED).unwrap(), plain.embed(MIXED).unwrap());
    for (x, y) in a.iter().zip(&b) {
        assert!(max_diff(x, y) <= 1e-5);
    }
    // other architectures keep rust-bert's forward pass
    let d = tiny_distilbert("fused-distil", &["neutral", "sectarian_hate"]);
    assert!(!Transformer::load(&d).unwrap().is_fused());
}

#[test]
fn long_texts_keep_their_middle() {
    let d = tiny_embedder("middle");
    let m = Transformer::builder(&d)
        .max_length(8) // [CLS] + 6 word pieces + [SEP]
        .default_exemplars(false)
        .exemplars([Exemplar {
            text: "kill them".into(),
            label: Label::Incitement,
        }])
        .build()
        .unwrap();
    let long = format!("{}kill them{}", "a ".repeat(9), " b".repeat(9));
    let middle = "a a kill them b b";
    let e = m.embed(&[long.as_str(), middle, "a a a a a a"]).unwrap();
    assert!(
        max_diff(&e[0], &e[1]) <= 1e-5,
        "the long text is cut to its middle"
    );
    assert!(max_diff(&e[0], &e[2]) > 1e-3, "not to its start");
}

#[test]
fn unsupported_sentence_transformers_modules_are_refused() {
    let d = tiny_embedder("dense");
    std::fs::write(
        d.join("modules.json"),
        r#"[{"idx": 0, "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]"#,
    )
    .unwrap();
    let e = load_error(&d);
    assert!(
        e.contains("module `sentence_transformers.models.Dense` is not supported"),
        "{e}"
    );
    std::fs::remove_file(d.join("modules.json")).unwrap();
    std::fs::write(
        d.join("1_Pooling/config.json"),
        r#"{"pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": true}"#,
    )
    .unwrap();
    let e = load_error(&d);
    assert!(
        e.contains("is not supported (one of mean, cls, max)"),
        "{e}"
    );
}

#[test]
fn a_descriptor_replaces_the_default_hypotheses() {
    let d = tiny_classifier(
        "nli-own",
        &["contradiction", "neutral", "entailment"],
        "bert",
        5,
    );
    std::fs::write(
        d.join("tahrid-model.toml"),
        "[zero_shot.hypotheses]\nincitement = \"This calls for violence.\"\nneutral = \"This is calm.\"\n",
    )
    .unwrap();
    let m = Transformer::load(&d).unwrap();
    let s = m.score_batch(&["kill them"]).unwrap()[0];
    let labels: Vec<Label> = s.iter().map(|(l, _)| l).collect();
    assert_eq!(labels, [Label::Incitement, Label::Neutral]);
}

#[test]
fn odd_id2label_keys_do_not_break_loading() {
    let d = tiny_classifier("odd-ids", &["neutral", "incitement"], "bert", 4);
    let c = std::fs::read_to_string(d.join("config.json"))
        .unwrap()
        .replace(
            "\"id2label\":{",
            "\"id2label\":{\"18446744073709551615\":\"x\",\"99999999999\":\"y\",",
        );
    std::fs::write(d.join("config.json"), c).unwrap();
    // rust-bert counts id2label entries for the classifier's width: 4 here, not 2, so the
    // weights no longer fit; what matters is a clear error and no panic or huge allocation
    match Transformer::load(&d) {
        Ok(m) => assert!(m.score_batch(&["kill them"]).is_ok()),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

#[test]
fn loading_errors_are_clear() {
    let e = Transformer::load("no/such/model").unwrap_err().to_string();
    assert!(
        e.starts_with("no/such/model/config.json: cannot read"),
        "{e}"
    );
    let d = tiny_classifier("broken", &["neutral", "incitement"], "bert", 8);
    std::fs::remove_file(d.join("tokenizer.json")).unwrap();
    let e = load_error(&d);
    assert!(e.contains("no tokenizer.json"), "{e}");
    let d = tiny_classifier("gpt", &["neutral", "incitement"], "bert", 8);
    let c = std::fs::read_to_string(d.join("config.json"))
        .unwrap()
        .replace("\"bert\"", "\"gpt2\"");
    std::fs::write(d.join("config.json"), c).unwrap();
    let e = load_error(&d);
    assert!(e.contains("model_type `gpt2` is not supported"), "{e}");
    let d = tiny_classifier("noweights", &["neutral", "incitement"], "bert", 8);
    std::fs::remove_file(d.join("model.safetensors")).unwrap();
    let e = load_error(&d);
    assert!(e.contains("no model.safetensors or rust_model.ot"), "{e}");
    // weights of another shape
    let d = tiny_classifier("wrongshape", &["neutral", "incitement"], "bert", 8);
    let other = tiny_classifier(
        "wrongshape-src",
        &["neutral", "incitement", "reporting"],
        "bert",
        8,
    );
    std::fs::copy(other.join("model.safetensors"), d.join("model.safetensors")).unwrap();
    let e = load_error(&d);
    assert!(e.contains("cannot load"), "{e}");
}

#[test]
fn cascade_routes_only_flagged_texts_and_batches_match_singles() {
    let d = tiny_classifier(
        "cascade",
        &["neutral", "sectarian_hate", "reporting"],
        "bert",
        9,
    );
    let any_hit = CascadePolicy {
        any_hit: true,
        ..CascadePolicy::default()
    };
    let tagger = Tagger::builder()
        .model(Transformer::load(&d).unwrap())
        .cascade(any_hit)
        .build()
        .unwrap();
    assert_eq!(
        tagger.model_name(),
        Some("tahrid-tiny-".to_string() + &std::process::id().to_string() + "-cascade").as_deref()
    );
    let texts = [
        "the weather is fine today",
        "they are rafidah",
        "the police said the group used the word rafidah",
        "football match won",
        "death to the rafidah all of them",
    ];
    let batch = tagger.tag_batch(&texts);
    let routed: Vec<bool> = batch.iter().map(|r| r.verdict.model.is_some()).collect();
    assert_eq!(routed, [false, true, true, false, true]);
    for (t, r) in texts.iter().zip(&batch) {
        let single = tagger.tag(t);
        assert_eq!(single.verdict.label, r.verdict.label, "{t}");
        assert_eq!(single.hits, r.hits);
        for l in Label::ALL {
            assert!((single.verdict.scores.get(l) - r.verdict.scores.get(l)).abs() <= 1e-5);
        }
        if let Some(m) = &r.verdict.model {
            assert!(
                r.verdict
                    .reasons
                    .iter()
                    .any(|x| x.contains("(weight 0.50)")),
                "{:?}",
                r.verdict.reasons
            );
            assert_eq!(m.scores.len(), 3);
        }
    }
    // the default policy: only the uncertain band
    let band = Tagger::builder()
        .model(Transformer::load(&d).unwrap())
        .build()
        .unwrap();
    let reports = band.tag_batch(&["the nawasib are back", "death to the rafidah all of them"]);
    assert!(
        reports[0].verdict.model.is_some(),
        "one medium-ambiguity term: uncertain"
    );
    assert!(
        reports[1].verdict.model.is_none(),
        "a slur in a call to violence: certain"
    );
    // route everything
    let all = Tagger::builder()
        .model(Transformer::load(&d).unwrap())
        .cascade(CascadePolicy::everything())
        .build()
        .unwrap();
    assert!(all
        .tag_batch(&texts)
        .iter()
        .all(|r| r.verdict.model.is_some()));
}
