//! A BERT forward pass in our own code, over the variables rust-bert loaded, with libtorch's
//! fused kernels where rust-bert composes small ops: `gelu` (rust-bert spells it as five tensor
//! ops, `x · 0.5 · (1 + erf(x / √2))`) and `scaled_dot_product_attention`.
//!
//! Same architecture and numbers as rust-bert's `BertModel` (post-LayerNorm, ε = 1e-12,
//! additive mask of −10000 on padding, absolute positions from 0): the tests check that both
//! give the same embeddings and logits to 1e-5. Used for BERT models (MiniLM among them) unless
//! `TransformerBuilder::fused(false)` asks for rust-bert's own forward pass.
use std::collections::HashMap;

use tch::{Kind, Tensor};

struct Linear {
    w: Tensor,
    b: Tensor,
}

impl Linear {
    fn forward(&self, x: &Tensor) -> Tensor {
        x.linear(&self.w, Some(&self.b))
    }
}

struct Norm {
    w: Tensor,
    b: Tensor,
}

impl Norm {
    fn forward(&self, x: &Tensor) -> Tensor {
        let n = self.w.size()[0];
        x.layer_norm([n], Some(&self.w), Some(&self.b), 1e-12, false)
    }
}

struct Layer {
    q: Linear,
    k: Linear,
    v: Linear,
    attn_out: Linear,
    attn_norm: Norm,
    inter: Linear,
    out: Linear,
    out_norm: Norm,
}

/// BERT encoder weights, shared (shallow) with rust-bert's model.
pub(crate) struct FusedBert {
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    emb_norm: Norm,
    layers: Vec<Layer>,
    heads: i64,
    /// `bert.pooler.dense` and `classifier`, for sequence classification.
    head: Option<(Linear, Linear)>,
}

impl FusedBert {
    /// Picks the variables under `prefix` (`""` for a bare encoder, `"bert."` inside a
    /// classifier); `None` if any is missing, so the caller falls back to rust-bert.
    pub(crate) fn from_vars(
        vars: &HashMap<String, Tensor>,
        prefix: &str,
        layers: usize,
        heads: i64,
        classifier: bool,
    ) -> Option<FusedBert> {
        let t = |name: &str| {
            vars.get(&format!("{prefix}{name}"))
                .map(|t| t.shallow_clone())
        };
        let lin = |name: &str| {
            Some(Linear {
                w: t(&format!("{name}.weight"))?,
                b: t(&format!("{name}.bias"))?,
            })
        };
        let norm = |name: &str| {
            Some(Norm {
                w: t(&format!("{name}.weight"))?,
                b: t(&format!("{name}.bias"))?,
            })
        };
        let mut ls = Vec::with_capacity(layers);
        for i in 0..layers {
            let p = format!("encoder.layer.{i}");
            ls.push(Layer {
                q: lin(&format!("{p}.attention.self.query"))?,
                k: lin(&format!("{p}.attention.self.key"))?,
                v: lin(&format!("{p}.attention.self.value"))?,
                attn_out: lin(&format!("{p}.attention.output.dense"))?,
                attn_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                inter: lin(&format!("{p}.intermediate.dense"))?,
                out: lin(&format!("{p}.output.dense"))?,
                out_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        let head = if classifier {
            let cls = Linear {
                w: vars.get("classifier.weight")?.shallow_clone(),
                b: vars.get("classifier.bias")?.shallow_clone(),
            };
            Some((lin("pooler.dense")?, cls))
        } else {
            None
        };
        Some(FusedBert {
            word: t("embeddings.word_embeddings.weight")?,
            position: t("embeddings.position_embeddings.weight")?,
            token_type: t("embeddings.token_type_embeddings.weight")?,
            emb_norm: norm("embeddings.LayerNorm")?,
            layers: ls,
            heads,
            head,
        })
    }

    /// Hidden states `[batch, len, hidden]` for ids, mask and token types `[batch, len]`.
    pub(crate) fn hidden(&self, ids: &Tensor, mask: &Tensor, types: &Tensor) -> Tensor {
        let (b, l) = (ids.size()[0], ids.size()[1]);
        let positions = Tensor::arange(l, (Kind::Int64, ids.device())).unsqueeze(0);
        let x = Tensor::embedding(&self.word, ids, -1, false, false)
            + Tensor::embedding(&self.position, &positions, -1, false, false)
            + Tensor::embedding(&self.token_type, types, -1, false, false);
        let mut x = self.emb_norm.forward(&x);
        let hidden = x.size()[2];
        let d = hidden / self.heads;
        // additive mask [batch, 1, 1, len]: 0 on tokens, -10000 on padding, as rust-bert
        let add = ((mask.ones_like() - mask) * -10000.0)
            .to_kind(x.kind())
            .view([b, 1, 1, l]);
        let split = |t: Tensor| t.view([b, l, self.heads, d]).transpose(1, 2);
        for layer in &self.layers {
            let q = split(layer.q.forward(&x));
            let k = split(layer.k.forward(&x));
            let v = split(layer.v.forward(&x));
            let ctx =
                Tensor::scaled_dot_product_attention(&q, &k, &v, Some(&add), 0.0, false, None)
                    .transpose(1, 2)
                    .contiguous()
                    .view([b, l, hidden]);
            let a = layer
                .attn_norm
                .forward(&(layer.attn_out.forward(&ctx) + &x));
            let i = layer.inter.forward(&a).gelu("none");
            x = layer.out_norm.forward(&(layer.out.forward(&i) + &a));
        }
        x
    }

    /// Classifier logits `[batch, labels]`: pooler (tanh of a dense layer over the first
    /// token) and classifier, as `BertForSequenceClassification`.
    pub(crate) fn logits(&self, ids: &Tensor, mask: &Tensor, types: &Tensor) -> Option<Tensor> {
        let (pooler, cls) = self.head.as_ref()?;
        let h = self.hidden(ids, mask, types);
        let pooled = pooler.forward(&h.select(1, 0)).tanh();
        Some(cls.forward(&pooled))
    }
}
