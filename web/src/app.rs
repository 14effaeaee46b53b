use yew::prelude::*;

use crate::components::findings::Findings;
use crate::components::header::Header;
use crate::components::objectives::Objectives;
use crate::components::summary::Summary;
use crate::state::State;

/// The console's state, shared through a context (`use_context::<StateHandle>()`).
pub type StateHandle = UseReducerHandle<State>;

#[component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    html! {
        <ContextProvider<StateHandle> context={state}>
            <Header />
            <main class="layout">
                <Summary />
                <Objectives />
                <Findings />
            </main>
        </ContextProvider<StateHandle>>
    }
}
