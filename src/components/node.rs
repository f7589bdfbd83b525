//! A node of the definition at a runtime path: shown while antrag-core says it is visible.
//! Hiding unmounts it but keeps its answers, so they come back when it shows again.

use std::sync::Arc;

use antrag_core::{FieldPath, Node};
use leptos::prelude::*;

use super::field::FieldView;
use super::group::GroupView;
use crate::state::FormState;

/// A field or group, while visible.
#[component]
pub fn NodeView(state: FormState, node: Node, path: FieldPath) -> impl IntoView {
    let visible = state.visible_signal(&path);
    let render = move || match &node {
        Node::Field(field) => {
            view! { <FieldView state=state field=Arc::new((**field).clone()) path=path.clone() /> }.into_any()
        }
        Node::Group(group) => {
            view! { <GroupView state=state group=Arc::new((**group).clone()) path=path.clone() /> }.into_any()
        }
    };
    view! { <Show when=move || visible.get()>{render.clone()}</Show> }
}

/// The nodes of a list at `path` (children of a group, or a step's top-level nodes).
pub fn nodes_view(state: FormState, nodes: &[Node], path: &FieldPath) -> impl IntoView {
    nodes.iter().map(|n| view! { <NodeView state=state node=n.clone() path=path.key(n.key()) /> }).collect::<Vec<_>>()
}

/// Top-level nodes rendered before the first paint; the rest follow over the next frames.
const FIRST: usize = 10;
/// Top-level nodes added per frame after the first ones.
const PER_FRAME: usize = 10;

/// A step's top-level nodes, rendered progressively: on a page with hundreds of questions
/// the first ones are on screen at once, the others follow frame by frame (keyed, so nothing
/// renders twice).
pub fn step_nodes_view(state: FormState, nodes: Vec<Node>) -> impl IntoView {
    let total = nodes.len();
    let shown = RwSignal::new(total.min(FIRST));
    if total > FIRST {
        fn more(shown: RwSignal<usize>, total: usize) {
            request_animation_frame(move || {
                if let Some(n) = shown.try_get_untracked() {
                    let next = (n + PER_FRAME).min(total);
                    shown.try_set(next);
                    if next < total {
                        more(shown, total);
                    }
                }
            });
        }
        more(shown, total);
    }
    let nodes = Arc::new(nodes);
    view! {
        <For
            each=move || 0..shown.get()
            key=|i| *i
            children=move |i| {
                let node = nodes[i].clone();
                let path = FieldPath::root().key(node.key());
                view! { <NodeView state=state node=node path=path /> }
            }
        />
    }
}
