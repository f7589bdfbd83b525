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

/// A step's top-level nodes, rendered progressively in the browser: on a page with hundreds
/// of questions the first ones are on screen at once, the others follow frame by frame (keyed,
/// so nothing renders twice). The server renders them all, and a page it rendered is hydrated
/// with all of them.
pub fn step_nodes_view(state: FormState, nodes: Vec<Node>) -> impl IntoView {
    let ends = crate::progressive::chunks(&nodes);
    let all_at_once = crate::dom::window().is_none() || crate::dom::hydrating();
    let shown = RwSignal::new(if all_at_once { nodes.len() } else { ends[0] });
    if ends.len() > 1 && !all_at_once {
        fn more(shown: RwSignal<usize>, ends: Arc<Vec<usize>>, next: usize) {
            request_animation_frame(move || {
                if shown.try_set(ends[next]).is_none() && next + 1 < ends.len() {
                    more(shown, ends, next + 1);
                }
            });
        }
        more(shown, Arc::new(ends), 1);
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
