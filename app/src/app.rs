//! The shell: language, the deployment's configuration, the header and the routes.

use crate::api::{self, ApiError};
use crate::components::header::Header;
#[cfg(feature = "staff")]
use crate::components::staff_shell::{StaffSession, Unread};
use crate::i18n::provide_i18n;
#[cfg(any(feature = "staff", not(feature = "track")))]
use crate::pages::followed::FollowedPage;
#[cfg(feature = "open")]
use crate::pages::listed::ListedPage;
use crate::pages::not_found::NotFound;
#[cfg(feature = "open")]
use crate::pages::open::assessment::AssessmentPage;
#[cfg(feature = "open")]
use crate::pages::open::dashboard::DashboardPage;
#[cfg(feature = "open")]
use crate::pages::open::heatmap::HeatMapPage;
#[cfg(feature = "open")]
use crate::pages::open::hot_issues::HotIssuesPage;
#[cfg(feature = "staff")]
use crate::pages::staff::account::AccountPage;
#[cfg(feature = "staff")]
use crate::pages::staff::alerts::AlertsPage;
#[cfg(feature = "staff")]
use crate::pages::staff::areas::AreasPage;
#[cfg(feature = "staff")]
use crate::pages::staff::audit::AuditPage;
#[cfg(feature = "staff")]
use crate::pages::staff::callbacks::CallbacksPage;
#[cfg(feature = "staff")]
use crate::pages::staff::channels::ChannelsPage;
#[cfg(feature = "staff")]
use crate::pages::staff::deadlines::DeadlinesPage;
#[cfg(feature = "staff")]
use crate::pages::staff::departments::DepartmentsPage;
#[cfg(feature = "staff")]
use crate::pages::staff::dispatch::{DispatchQueuePage, DispatchTicketPage};
#[cfg(feature = "staff")]
use crate::pages::staff::disputes::DisputesPage;
#[cfg(feature = "staff")]
use crate::pages::staff::evaluation::EvaluationPage;
#[cfg(feature = "staff")]
use crate::pages::staff::home::StaffHomePage;
#[cfg(feature = "staff")]
use crate::pages::staff::login::StaffLoginPage;
#[cfg(feature = "staff")]
use crate::pages::staff::members::MembersPage;
#[cfg(feature = "staff")]
use crate::pages::staff::notifications::NotificationsPage;
#[cfg(feature = "staff")]
use crate::pages::staff::outbox::OutboxPage;
#[cfg(feature = "staff")]
use crate::pages::staff::rules::RulesPage;
#[cfg(feature = "staff")]
use crate::pages::staff::samples::SamplesPage;
#[cfg(feature = "staff")]
use crate::pages::staff::supervision::SupervisionPage;
#[cfg(feature = "staff")]
use crate::pages::staff::work::{WorkTicketPage, WorklistPage};
#[cfg(any(feature = "staff", not(feature = "track")))]
use crate::pages::submit::SubmitPage;
#[cfg(any(feature = "staff", not(feature = "track")))]
use crate::pages::submitted::SubmittedPage;
#[cfg(feature = "track")]
use crate::pages::ticket::TicketPage;
#[cfg(feature = "track")]
use crate::pages::track::TrackPage;
#[cfg(feature = "track")]
use crate::pages::unsubscribe::UnsubscribePage;
use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;
use shared::api::PublicConfig;
#[cfg(any(feature = "open", not(feature = "track")))]
use shared::catalogue::Catalogue;
#[cfg(any(feature = "staff", not(feature = "track")))]
use shared::ticket::SubmitResponse;
#[cfg(any(feature = "open", not(feature = "track")))]
use std::sync::Arc;

/// What the submission form needs before it can validate anything. The tracking bundle needs
/// only the configuration, so it does not fetch the catalogue.
#[derive(Debug, Clone)]
pub struct Setup {
    pub config: PublicConfig,
    #[cfg(any(feature = "open", not(feature = "track")))]
    pub catalogue: Arc<Catalogue>,
}

pub type SetupResource = LocalResource<Result<Setup, ApiError>>;

/// The answer of the last submission, for the confirmation page (the token is shown once).
#[cfg(any(feature = "staff", not(feature = "track")))]
#[derive(Debug, Clone, Copy)]
pub struct LastSubmission(pub RwSignal<Option<SubmitResponse>>);

#[cfg(any(feature = "open", not(feature = "track")))]
async fn load_setup() -> Result<Setup, ApiError> {
    let (config, categories) = futures::future::join(api::config(), api::categories()).await;
    Ok(Setup { config: config?, catalogue: Arc::new(Catalogue::from_tree(&categories?.tree)) })
}

#[cfg(not(any(feature = "open", not(feature = "track"))))]
async fn load_setup() -> Result<Setup, ApiError> {
    Ok(Setup { config: api::config().await? })
}

#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    // Loaded once for the whole visit, so going back to the form does not refetch it.
    let setup: SetupResource = LocalResource::new(load_setup);
    provide_context(setup);
    #[cfg(any(feature = "staff", not(feature = "track")))]
    provide_context(LastSubmission(RwSignal::new(None)));
    #[cfg(any(feature = "staff", not(feature = "track")))]
    provide_context(crate::components::photo_picker::PendingPhotos::new());
    #[cfg(feature = "staff")]
    provide_context(StaffSession(RwSignal::new(None)));
    #[cfg(feature = "staff")]
    provide_context(Unread::default());

    view! {
        <Router>
            <a class="skip-link" href="#main" on:click=|ev| {
                // The router would treat the fragment as a navigation; just move focus.
                ev.prevent_default();
                crate::dom::focus_id("main");
            }>{i18n.tr("common.skip_to_content")}</a>
            <Header/>
            <FocusOnNavigate/>
            <main id="main" tabindex="-1">
                <Pages/>
            </main>
            <footer class="site-footer">
                // Another bundle: a full page load, not a route of this one.
                <a href="/staff" id="staff-link" rel="external">{i18n.tr("footer.staff")}</a>
            </footer>
        </Router>
    }
}

/// The submission pages: the form, its confirmation, and following a request reported nearby.
/// Most citizens open these once, on a slow phone, so they download nothing else: the tracking
/// pages (feature `track`), the transparency pages (`open`) and the staff console (`staff`) are
/// bundles of their own that `boot.js` loads for their addresses, so links to them from here
/// are full page loads (`rel="external"`).
#[cfg(not(feature = "track"))]
#[component]
fn Pages() -> impl IntoView {
    view! {
        <FlatRoutes fallback=NotFound>
            <Route path=path!("/") view=SubmitPage/>
            <Route path=path!("/submitted/:no") view=SubmittedPage/>
            <Route path=path!("/followed/:no") view=FollowedPage/>
        </FlatRoutes>
    }
}

/// The tracking pages: a request's progress (public, or the reporter's own with the token),
/// rating the answer, and ending e-mail updates.
#[cfg(all(feature = "track", not(feature = "open")))]
#[component]
fn Pages() -> impl IntoView {
    view! {
        <FlatRoutes fallback=NotFound>
            <Route path=path!("/track") view=TrackPage/>
            <Route path=path!("/track/:no") view=TicketPage/>
            <Route path=path!("/unsubscribe/:token") view=UnsubscribePage/>
        </FlatRoutes>
    }
}

/// The transparency bundle: 挂牌督办, the assessment and the dashboards, and the tracking pages
/// its lists link to. The form is another bundle (a full page load from here).
#[cfg(all(feature = "open", not(feature = "staff")))]
#[component]
fn Pages() -> impl IntoView {
    view! {
        <FlatRoutes fallback=NotFound>
            <Route path=path!("/track") view=TrackPage/>
            <Route path=path!("/track/:no") view=TicketPage/>
            <Route path=path!("/unsubscribe/:token") view=UnsubscribePage/>
            <Route path=path!("/listed") view=ListedPage/>
            <Route path=path!("/open/assessment") view=AssessmentPage/>
            <Route path=path!("/open/dashboard") view=DashboardPage/>
            <Route path=path!("/open/heatmap") view=HeatMapPage/>
            <Route path=path!("/open/hot-issues") view=HotIssuesPage/>
        </FlatRoutes>
    }
}

/// The staff bundle: the staff console, and every public page so its header links work.
#[cfg(feature = "staff")]
#[component]
fn Pages() -> impl IntoView {
    view! {
        <FlatRoutes fallback=NotFound>
            <Route path=path!("/") view=SubmitPage/>
            <Route path=path!("/submitted/:no") view=SubmittedPage/>
            <Route path=path!("/followed/:no") view=FollowedPage/>
            <Route path=path!("/track") view=TrackPage/>
            <Route path=path!("/track/:no") view=TicketPage/>
            <Route path=path!("/unsubscribe/:token") view=UnsubscribePage/>
            <Route path=path!("/listed") view=ListedPage/>
            <Route path=path!("/open/assessment") view=AssessmentPage/>
            <Route path=path!("/open/dashboard") view=DashboardPage/>
            <Route path=path!("/open/heatmap") view=HeatMapPage/>
            <Route path=path!("/open/hot-issues") view=HotIssuesPage/>
            <Route path=path!("/staff/login") view=StaffLoginPage/>
            <Route path=path!("/staff") view=StaffHomePage/>
            <Route path=path!("/staff/account") view=AccountPage/>
            <Route path=path!("/staff/departments") view=DepartmentsPage/>
            <Route path=path!("/staff/staff") view=MembersPage/>
            <Route path=path!("/staff/areas") view=AreasPage/>
            <Route path=path!("/staff/audit") view=AuditPage/>
            <Route path=path!("/staff/dispatch") view=DispatchQueuePage/>
            <Route path=path!("/staff/dispatch/:no") view=DispatchTicketPage/>
            <Route path=path!("/staff/supervision") view=SupervisionPage/>
            <Route path=path!("/staff/disputes") view=DisputesPage/>
            <Route path=path!("/staff/rules") view=RulesPage/>
            <Route path=path!("/staff/deadlines") view=DeadlinesPage/>
            <Route path=path!("/staff/outbox") view=OutboxPage/>
            <Route path=path!("/staff/tickets") view=WorklistPage/>
            <Route path=path!("/staff/tickets/:no") view=WorkTicketPage/>
            <Route path=path!("/staff/notifications") view=NotificationsPage/>
            <Route path=path!("/staff/samples") view=SamplesPage/>
            <Route path=path!("/staff/callbacks") view=CallbacksPage/>
            <Route path=path!("/staff/evaluation") view=EvaluationPage/>
            <Route path=path!("/staff/alerts") view=AlertsPage/>
            <Route path=path!("/staff/channels") view=ChannelsPage/>
        </FlatRoutes>
    }
}

/// After a client-side navigation, put focus at the start of the new content, as a page
/// load would; otherwise it stays on a button that no longer exists and keyboard and
/// screen-reader users start again from the top of the document.
#[component]
fn FocusOnNavigate() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            request_animation_frame(|| {
                crate::dom::focus_id_quietly("main");
            });
        }
        path
    });
}

pub fn use_setup() -> SetupResource {
    expect_context::<SetupResource>()
}

/// Keep `document.title` in step with the page and the language.
pub fn page_title(title: impl Fn() -> String + 'static) {
    let i18n = crate::i18n::use_i18n();
    Effect::new(move |_| {
        crate::dom::set_title(&format!("{} · {}", title(), i18n.t("app.name")));
    });
}
