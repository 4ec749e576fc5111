//! The legal frame of a year: which service categories every caisse must offer.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

use super::error::{ServiceResultExt, UserError, into_payload};
use super::scalars::ServiceCategory;
use super::{actor, services};
use commons_domain::legal_frame;
use commons_service::legal_frame as svc;

/// The service categories of a year and whether each is mandatory. A caisse complies when it
/// offers every mandatory category and at least one optional one.
#[derive(SimpleObject)]
pub struct LegalFrame {
    pub year: i32,
    pub categories: Vec<LegalFrameCategory>,
}

#[derive(SimpleObject)]
pub struct LegalFrameCategory {
    pub category: ServiceCategory,
    pub mandatory: bool,
}

impl From<legal_frame::LegalFrame> for LegalFrame {
    fn from(f: legal_frame::LegalFrame) -> Self {
        Self {
            year: f.year,
            categories: f
                .categories()
                .into_iter()
                .map(|(c, mandatory)| LegalFrameCategory {
                    category: c.into(),
                    mandatory,
                })
                .collect(),
        }
    }
}

#[derive(InputObject)]
pub struct SetLegalFrameInput {
    pub year: i32,
    /// Every category mandatory that year: the law's two at least, and one left optional.
    pub mandatory: Vec<ServiceCategory>,
}

#[derive(SimpleObject)]
pub struct SetLegalFramePayload {
    pub legal_frame: Option<LegalFrame>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct LegalFrameQuery;

#[Object]
impl LegalFrameQuery {
    /// The legal frame of a year: the law's (awareness and promotion, orientation towards
    /// help mandatory; the other three optional) unless platform admins extended it. Anyone
    /// may read it.
    async fn legal_frame(&self, ctx: &Context<'_>, year: i32) -> Result<LegalFrame> {
        Ok(svc::get(services(ctx), year).await.gql()?.into())
    }
}

#[derive(Default)]
pub struct LegalFrameMutation;

#[Object]
impl LegalFrameMutation {
    /// Sets a year's mandatory categories when the King extends the list: platform admins;
    /// the law's minimum cannot be dropped and one category stays optional. Audited; the
    /// frames before are kept.
    async fn set_legal_frame(
        &self,
        ctx: &Context<'_>,
        input: SetLegalFrameInput,
    ) -> Result<SetLegalFramePayload> {
        let mandatory = input.mandatory.into_iter().map(Into::into).collect();
        let (frame, user_errors) =
            into_payload(svc::set(services(ctx), actor(ctx), input.year, mandatory).await)?;
        Ok(SetLegalFramePayload {
            legal_frame: frame.map(Into::into),
            user_errors,
        })
    }
}
