//! Measures the transformer stage and the cascade (needs `--features transformer`).
//!
//! ```text
//! cargo run --release --features transformer --example model_bench -- \
//!     --model .cache/all-MiniLM-L6-v2 [--corpus DIR] [--flagged DIR] [--docs N] \
//!     [--rates 0.5,1,2,5] [--reps R] [--cascade POLICY] [--skip-stage] [--skip-cascade]
//! ```
//!
//! 1. **Model stage**: sentences/s of `score_batch` (embedding + exemplar scoring) on English
//!    corpus sentences of about 50 tokens, at batch 1/8/32 and 1/2 libtorch threads, with
//!    rust-bert's forward pass and with ours (fused GELU and attention); median of `--reps`
//!    passes over the same 64 sentences. Also libtorch's fused GELU against rust-bert's
//!    five-op GELU on a `[32, 50, 1536]` tensor (an intermediate activation of MiniLM).
//! 2. **Cascade**: a mix of `--docs` benign corpus lines (taken evenly from every `*.txt` in
//!    `--corpus`) with harmful-labelled texts from `--flagged` (JSONL with `text` and `label`)
//!    inserted at each `--rates` per cent. For each mix: end-to-end MB/s of the rules alone,
//!    of the cascade (embedded policy) and of the model on every text (`route.all`), how many
//!    texts the cascade routed, and whether the routed texts' verdicts are identical in both
//!    runs (label equal, scores within 1e-4).
//!
//! A timed run, not a criterion benchmark; the machine's other load shows in the numbers, so
//! rates come with the baseline measured in the same run.
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use tahrid::model::transformer::{set_threads, Transformer};
use tahrid::model::{CascadePolicy, TextModel};
use tahrid::{Label, Report, Tagger};

#[derive(Parser)]
struct Args {
    /// The model directory.
    #[arg(long, default_value = ".cache/all-MiniLM-L6-v2")]
    model: PathBuf,
    /// Benign corpus: a directory of `*.txt`, one document per line.
    #[arg(long, default_value = "../shared/corpus")]
    corpus: PathBuf,
    /// Labelled JSONL (directory or file); texts labelled harmful are the flagged ones.
    #[arg(long, default_value = "../shared/eval/dev")]
    flagged: PathBuf,
    /// Benign documents in the mix.
    #[arg(long, default_value_t = 2000)]
    docs: usize,
    /// Per cent of flagged texts added to the mix, one mix per value.
    #[arg(long, value_delimiter = ',', default_value = "0.5,1,2,5")]
    rates: Vec<f64>,
    /// Passes per model-stage configuration (the median is reported).
    #[arg(long, default_value_t = 5)]
    reps: usize,
    /// A cascade policy file instead of the embedded one (the model-on-everything run uses it
    /// too, with `route.all`).
    #[arg(long)]
    cascade: Option<PathBuf>,
    /// Skip part 1.
    #[arg(long)]
    skip_stage: bool,
    /// Skip part 2.
    #[arg(long)]
    skip_cascade: bool,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn txt_files(dir: &PathBuf, ext: &str) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.clone()];
    }
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == ext));
    v.sort();
    v
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let model = Transformer::load(&args.model)?;
    println!(
        "model {} ({:?}, hidden {}, {} exemplars)",
        model.name(),
        model.kind(),
        model.hidden_size(),
        model.exemplar_count()
    );
    if !args.skip_stage {
        model_stage(&args, &model)?;
    }
    if !args.skip_cascade {
        cascade(&args, model)?;
    }
    Ok(())
}

fn model_stage(args: &Args, model: &Transformer) -> Result<(), Box<dyn std::error::Error>> {
    let en = std::fs::read_to_string(args.corpus.join("en.txt"))?;
    // about 50 word pieces: 35-45 words
    let sentences: Vec<&str> = en
        .lines()
        .filter(|l| (35..=45).contains(&l.split_whitespace().count()))
        .step_by(7)
        .take(64)
        .collect();
    if sentences.len() < 64 {
        return Err("fewer than 64 English corpus lines of 35-45 words".into());
    }
    println!(
        "\n## model stage: sentences/s (median of {} passes over 64 sentences)",
        args.reps
    );
    println!(
        "| forward pass | threads | batch 1 | batch 8 | batch 32 |\n| --- | --- | --- | --- | --- |"
    );
    let plain = Transformer::builder(&args.model).fused(false).build()?;
    let variants: Vec<(&str, &Transformer)> = if model.is_fused() {
        vec![("rust-bert", &plain), ("fused (ours)", model)]
    } else {
        vec![("rust-bert", model)]
    };
    for threads in [1, 2] {
        set_threads(threads);
        for &(name, model) in &variants {
            let mut row = format!("| {name} | {threads} |");
            for batch in [1, 8, 32] {
                let _ = model.score_batch(&sentences[..batch])?; // warm-up
                let rates: Vec<f64> = (0..args.reps)
                    .map(|_| {
                        let t = Instant::now();
                        for chunk in sentences.chunks(batch) {
                            model.score_batch(chunk).expect("scores");
                        }
                        sentences.len() as f64 / t.elapsed().as_secs_f64()
                    })
                    .collect();
                row.push_str(&format!(" {:.1} |", median(rates)));
            }
            println!("{row}");
        }
    }
    // GELU: rust-bert's five tensor ops against libtorch's fused kernel
    set_threads(2);
    let x = tch::Tensor::randn([32, 50, 1536], (tch::Kind::Float, tch::Device::Cpu));
    let time = |f: &dyn Fn() -> tch::Tensor| {
        let _ = f();
        median(
            (0..20)
                .map(|_| {
                    let t = Instant::now();
                    let _ = f();
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect(),
        )
    };
    let unfused = time(&|| &x * 0.5 * (1.0 + (&x / 2f64.sqrt()).erf()));
    let fused = time(&|| x.gelu("none"));
    let five_ops: tch::Tensor = &x * 0.5 * (1.0 + (&x / 2f64.sqrt()).erf());
    let diff = (five_ops - x.gelu("none")).abs().max().double_value(&[]);
    println!(
        "\nGELU on [32, 50, 1536], 2 threads: rust-bert's five ops {unfused:.2} ms, fused {fused:.2} ms ({:.1}x; max abs diff {diff:.1e})",
        unfused / fused
    );
    Ok(())
}

fn cascade(args: &Args, model: Transformer) -> Result<(), Box<dyn std::error::Error>> {
    set_threads(2);
    let files = txt_files(&args.corpus, "txt");
    if files.is_empty() {
        return Err(format!("no *.txt in {}", args.corpus.display()).into());
    }
    let per_file = args.docs.div_ceil(files.len());
    let mut benign: Vec<String> = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f)?;
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let step = (lines.len() / per_file).max(1);
        benign.extend(
            lines
                .iter()
                .step_by(step)
                .take(per_file)
                .map(|s| s.to_string()),
        );
    }
    benign.truncate(args.docs);
    let mut flagged: Vec<String> = Vec::new();
    for f in txt_files(&args.flagged, "jsonl") {
        for line in std::fs::read_to_string(&f)?.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let harmful = matches!(
                v["label"].as_str(),
                Some("sectarian_hate" | "incitement" | "extremist_propaganda")
            );
            if let (true, Some(t)) = (harmful, v["text"].as_str()) {
                flagged.push(t.to_string());
            }
        }
    }
    if flagged.is_empty() {
        return Err(format!("no harmful-labelled texts in {}", args.flagged.display()).into());
    }
    let model = std::sync::Arc::new(model);
    let policy = match &args.cascade {
        Some(p) => CascadePolicy::from_path(p)?,
        None => CascadePolicy::default(),
    };
    let rules = Tagger::builder().dfa(true).build()?;
    let cascade = Tagger::builder()
        .dfa(true)
        .model(model.clone())
        .cascade(policy.clone())
        .build()?;
    let everything = Tagger::builder()
        .dfa(true)
        .model(model.clone())
        .cascade(CascadePolicy {
            all: true,
            ..policy.clone()
        })
        .build()?;
    println!(
        "\n## cascade: {} benign corpus lines from {} files + flagged texts ({} harmful-labelled available)",
        benign.len(),
        files.len(),
        flagged.len()
    );
    println!("| flagged | texts | MB | routed | model input chars (routed / all) | rules MB/s | cascade MB/s | model on all MB/s | cascade / all | routed verdicts identical |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for &rate in &args.rates {
        let n_flag = ((benign.len() as f64) * rate / 100.0).round() as usize;
        let mut mix: Vec<String> = benign.clone();
        // spread the flagged texts evenly through the mix
        for i in 0..n_flag {
            let at = (i * mix.len()) / n_flag.max(1);
            mix.insert(at.min(mix.len()), flagged[i % flagged.len()].clone());
        }
        let mb = mix.iter().map(|t| t.len()).sum::<usize>() as f64 / 1e6;
        let run = |t: &Tagger| -> (Vec<Report>, f64) {
            let start = Instant::now();
            let r = t.tag_batch(&mix);
            (r, mb / start.elapsed().as_secs_f64())
        };
        let (_, rules_rate) = run(&rules);
        let (casc, casc_rate) = run(&cascade);
        let (all, all_rate) = run(&everything);
        let routed: Vec<usize> = (0..mix.len())
            .filter(|&i| casc[i].verdict.model.is_some())
            .collect();
        let input_chars = |idx: &mut dyn Iterator<Item = usize>| {
            let (mut n, mut sum) = (0usize, 0usize);
            for i in idx {
                n += 1;
                sum += policy.window(&mix[i], &casc[i]).chars().count();
            }
            sum as f64 / n.max(1) as f64
        };
        let routed_len = input_chars(&mut routed.iter().copied());
        let all_len = input_chars(&mut (0..mix.len()));
        let mut worst = 0f32;
        let same = routed.iter().all(|&i| {
            let (a, b) = (&casc[i].verdict, &all[i].verdict);
            for l in Label::ALL {
                worst = worst.max((a.scores.get(l) - b.scores.get(l)).abs());
            }
            a.label == b.label
        }) && worst <= 1e-4;
        println!(
            "| {rate}% | {} | {mb:.2} | {} ({:.1}%) | {routed_len:.0} / {all_len:.0} | {rules_rate:.2} | {casc_rate:.3} | {all_rate:.4} | {:.0}x | {} (max score diff {worst:.1e}) |",
            mix.len(),
            routed.len(),
            100.0 * routed.len() as f64 / mix.len() as f64,
            casc_rate / all_rate,
            if same { "yes" } else { "NO" },
        );
    }
    Ok(())
}
