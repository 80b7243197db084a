//! Trains a linear head over a sentence-embedding model's embeddings, offline (needs
//! `--features transformer`).
//!
//! ```text
//! cargo run --release --features transformer --example train_head -- \
//!     --model .cache/all-MiniLM-L6-v2 --out head.safetensors [--data FILE.jsonl]... \
//!     [--no-bank] [--epochs 400] [--lr 0.02] [--weight-decay 0.001] [--holdout 5]
//! ```
//!
//! The training data is the default exemplar bank (tahrid's `fixtures/functional/*.jsonl`)
//! plus any `--data` JSONL with `text` and `label`. Every `--holdout`-th example (in file order)
//! is held out: the program prints held-out accuracy of the head and of the nearest-exemplar
//! rule on the same split, trains once more on everything, and writes `weight` `[5, hidden]`
//! and `bias` `[5]` (rows in the order sectarian_hate, incitement, extremist_propaganda,
//! reporting, neutral) to `--out`, for `TransformerBuilder::head_path`.
use std::path::PathBuf;

use clap::Parser;
use tahrid::model::transformer::{Exemplar, ModelKind, Transformer};
use tahrid::model::TextModel;
use tahrid::Label;
use tch::nn::{self, Module, OptimizerConfig};
use tch::{Device, Kind, Tensor};

#[derive(Parser)]
struct Args {
    /// The sentence-embedding model directory.
    #[arg(long)]
    model: PathBuf,
    /// Where to write the head.
    #[arg(long)]
    out: PathBuf,
    /// More labelled JSONL.
    #[arg(long)]
    data: Vec<PathBuf>,
    /// Leave out the default bank.
    #[arg(long)]
    no_bank: bool,
    /// Full-batch training steps.
    #[arg(long, default_value_t = 400)]
    epochs: usize,
    /// Adam learning rate.
    #[arg(long, default_value_t = 0.02)]
    lr: f64,
    /// Adam weight decay.
    #[arg(long, default_value_t = 0.001)]
    weight_decay: f64,
    /// Every N-th example is held out for the accuracy report (0: no report).
    #[arg(long, default_value_t = 5)]
    holdout: usize,
}

fn slot(l: Label) -> i64 {
    Label::ALL.iter().position(|&x| x == l).unwrap() as i64
}

fn train(x: &Tensor, y: &Tensor, args: &Args) -> (Tensor, Tensor) {
    tch::manual_seed(0);
    let vs = nn::VarStore::new(Device::Cpu);
    let head = nn::linear(vs.root() / "head", x.size()[1], 5, Default::default());
    let mut opt = nn::Adam {
        wd: args.weight_decay,
        ..Default::default()
    }
    .build(&vs, args.lr)
    .expect("optimizer");
    for _ in 0..args.epochs {
        let loss = head.forward(x).cross_entropy_for_logits(y);
        opt.backward_step(&loss);
    }
    (
        head.ws.detach().copy(),
        head.bs.as_ref().unwrap().detach().copy(),
    )
}

fn accuracy(w: &Tensor, b: &Tensor, x: &Tensor, y: &Tensor) -> f64 {
    let pred = (x.matmul(&w.tr()) + b).argmax(-1, false);
    pred.eq_tensor(y)
        .to_kind(Kind::Float)
        .mean(Kind::Float)
        .double_value(&[])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let model = Transformer::builder(&args.model)
        .default_exemplars(true)
        .build()?;
    if model.kind() != ModelKind::Embedding {
        return Err("the head trains on sentence embeddings: give an embedding model".into());
    }
    let mut data = if args.no_bank {
        Vec::new()
    } else {
        Exemplar::defaults()
    };
    for p in &args.data {
        data.extend(Exemplar::from_jsonl(
            &p.display().to_string(),
            &std::fs::read_to_string(p)?,
        )?);
    }
    if data.len() < 10 {
        return Err(format!("{} examples: too few to train on", data.len()).into());
    }
    let mut vectors = Vec::with_capacity(data.len());
    for chunk in data.chunks(32) {
        let texts: Vec<&str> = chunk.iter().map(|e| e.text.as_str()).collect();
        vectors.extend(model.embed(&texts)?);
    }
    let dim = model.hidden_size() as i64;
    let to_x = |idx: &[usize]| {
        let flat: Vec<f32> = idx
            .iter()
            .flat_map(|&i| vectors[i].iter().copied())
            .collect();
        Tensor::from_slice(&flat).view([idx.len() as i64, dim])
    };
    let to_y = |idx: &[usize]| {
        Tensor::from_slice(&idx.iter().map(|&i| slot(data[i].label)).collect::<Vec<_>>())
    };
    let mut counts = [0usize; 5];
    for e in &data {
        counts[slot(e.label) as usize] += 1;
    }
    println!(
        "{} examples ({}), embedding dim {dim}",
        data.len(),
        Label::ALL
            .iter()
            .zip(counts)
            .map(|(l, c)| format!("{} {c}", l.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if args.holdout > 1 {
        let (test, trainset): (Vec<usize>, Vec<usize>) =
            (0..data.len()).partition(|i| i % args.holdout == 0);
        let (w, b) = train(&to_x(&trainset), &to_y(&trainset), &args);
        let head_acc = accuracy(&w, &b, &to_x(&test), &to_y(&test));
        // the nearest-exemplar rule on the same split: a bank of the training examples only
        let knn = Transformer::builder(&args.model)
            .default_exemplars(false)
            .exemplars(trainset.iter().map(|&i| data[i].clone()))
            .build()?;
        let mut correct = 0;
        for chunk in test.chunks(32) {
            let texts: Vec<&str> = chunk.iter().map(|&i| data[i].text.as_str()).collect();
            for (&i, s) in chunk.iter().zip(knn.score_batch(&texts)?) {
                let best = s.iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|(l, _)| l);
                correct += usize::from(best == Some(data[i].label));
            }
        }
        println!(
            "held out {} of {}: head accuracy {head_acc:.3}, nearest-exemplar accuracy {:.3}",
            test.len(),
            data.len(),
            correct as f64 / test.len() as f64
        );
    }
    let all: Vec<usize> = (0..data.len()).collect();
    let (w, b) = train(&to_x(&all), &to_y(&all), &args);
    println!(
        "training accuracy on everything: {:.3}",
        accuracy(&w, &b, &to_x(&all), &to_y(&all))
    );
    Tensor::write_safetensors(&[("weight", &w), ("bias", &b)], &args.out)?;
    println!("wrote {}", args.out.display());
    Ok(())
}
