"""The law as it stands, without the report's proposals."""

from kruger_rules.reforms import NamedReform

PROPOSAL_DATE = "2020-09-24"


class CurrentLaw(NamedReform):
    name = "current_law"
    description = """
        The law as it stands, without the proposals of Levelling Up Our Communities (2020): from
        2020-09-24 there is no MatchTrade, no Levelling Up Communities Fund, no Community Recovery
        Fund and no Community Improvement Districts; the Community Right to Serve falls back to the
        Community Right to Challenge (Localism Act 2011 s.81: community interest companies and
        community benefit societies claim only when not for profit, social enterprises claim only
        through their kind of body, and central government departments and NHS bodies are not bound);
        social value is as the Social Value Act 2012 and PPN 06/20 stand (no duty for all public
        purchasing, no minimum for every public commissioner, no Social Value Plans). The report's
        source for the Community Recovery Fund, the dormant National Fund, was ruled by the High
        Court on 2022-01-21 to go to the national debt (community_recovery_fund.national_fund_available
        is false from that date in every system), so under the law there is no such fund at all.
        A community interest group that asks in time to bid for an asset of community value has no
        right of first refusal: the owner may sell to anyone once the moratorium ends (Localism Act
        2011 s.95). There is no Neighbour Day.
        There is no Volunteer Passport: a role needs a new DBS check unless the Update Service covers it.
        Kickstart funds jobs only: no paid volunteering as a service opportunity.
    """
    changes = {
        "match_trade.in_force": {PROPOSAL_DATE: False},
        "luc_fund.in_force": {PROPOSAL_DATE: False},
        "community_recovery_fund.in_force": {PROPOSAL_DATE: False},
        "improvement_districts.in_force": {PROPOSAL_DATE: False},
        "right_to_serve.relevant_body.social_enterprises": {PROPOSAL_DATE: False},
        "right_to_serve.relevant_body.by_kind.community_interest_company": {PROPOSAL_DATE: False},
        "right_to_serve.relevant_body.by_kind.community_benefit_society": {PROPOSAL_DATE: False},
        "right_to_serve.bound_authority.central_government_department": {PROPOSAL_DATE: False},
        "right_to_serve.bound_authority.nhs_body": {PROPOSAL_DATE: False},
        "social_value.proposal.extend_to_all_public_contracts": {PROPOSAL_DATE: False},
        "social_value.proposal.minimum_for_every_public_commissioner": {PROPOSAL_DATE: False},
        "social_value.proposal.social_value_plans": {PROPOSAL_DATE: False},
        "acv.first_refusal.in_force": {PROPOSAL_DATE: False},
        "neighbour_day.in_force": {PROPOSAL_DATE: False},
        "volunteer_passport.in_force": {PROPOSAL_DATE: False},
        "kickstart.service_opportunities.in_force": {PROPOSAL_DATE: False},
    }
