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
    let visible = {
        let path = path.clone();
        Memo::new(move |_| state.visibility.with(|v| v.is_visible(&path)))
    };
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
