"""The phrase-rule coder, the learned coder, the gold set and the `code` command's new options."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.coder import Coder, load_gold, load_model, save_model, split_passages
from analysis.coder.rules import PhraseRules
from analysis.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SECOND = ROOT / "tests" / "gold" / "second_pass_labels.csv"
# sha256 of the frozen test half (passage_id, code, text, one line each): any edit to it
# changes this, and must be declared in docs/coding.md.
TEST_HALF_SHA256 = "4fe7db0a36b9da55c22fe533358ab8025368b4fbaad181aa58bd85502f92dd00"


@pytest.fixture(scope="module")
def rules():
    return PhraseRules()


@pytest.fixture(scope="module")
def rule_coder():
    return Coder("rules")


@pytest.fixture(scope="module")
def combined():
    return Coder("combined")


def _primary(coder, text):
    return coder.code_passages([text])["primary"].iloc[0]


# ------------------------------------------------------------------ phrase rules


@pytest.mark.parametrize(("text", "option", "status"), [
    ("Cabinet agreed to give notice to leave the shared audit partnership.", "exit", "counted"),
    ("The joint waste partnership will be wound up next year.", "exit", "counted"),
    ("Collections will return to each authority in April.", "exit", "counted"),
    ("Members resolved not to renew the joint post.", "exit", "counted"),
    ("The council did not leave the partnership.", "exit", "negated"),
    ("Rather than closing all its libraries, the council reduced opening hours.", "exit", "negated"),
    ("Parents are battling to stop the county from withdrawing from the transport scheme.", "exit", "opposed"),
    ("Members asked whether the council would leave the partnership.", "exit", "hypothetical"),
    ("Five village libraries will be handed to volunteer groups.", "exit", "counted"),
    ("The council set an income target for its trading company.", "adapt", "counted"),
    ("Councillors voted by 31 to 12 to reject the devolution deal.", "fight", "counted"),
    ("The authority has sent a pre-action protocol letter to the Department.", "fight", "counted"),
    ("Residents co-designed the new hub with the council.", "collaborate", "counted"),
])
def test_rules_read_the_action_and_its_scope(rules, text, option, status):
    hits = [h for h in rules.find(text) if h.option == option]
    assert hits, f"no {option} rule in {text!r}"
    assert hits[0].status == status
    h = hits[0]
    assert text[h.start : h.end] == h.text


@pytest.mark.parametrize("text", [
    "The challenge is made harder by the pandemic.",
    "Councils face real challenges in recruiting social workers.",
    "The council faces a challenging budget position next year.",
    "Officers are checking and challenging that the priorities are delivered.",
    "Rising demand for adult social care has put pressure on the budget.",
    "Demand management and the demands on children's services were discussed.",
    "Newcastle United and the council signed a community agreement.",
    "The object of the board is to set the vision for the county.",
    "Health sector representation on the new board was agreed.",
    "How far a council should lead its partners is a contested question.",
])
def test_everyday_words_of_council_writing_are_not_opposition(rules, text):
    """Council papers use "challenge", "demand" and the like mostly for something else; each
    counts as fight only with what it acts on (the cases below in the next test)."""
    assert not [h for h in rules.find(text) if h.option == "fight"]


@pytest.mark.parametrize("text", [
    "The council will challenge the decision in the courts.",
    "Members challenged the government's assumptions about council tax.",
    "The council is challenging the proposal to close the coastguard station.",
    "The county lodged a challenge against the new funding formula.",
    "Leaders have united in condemning the cut.",
    "Mayors presented a united front on bus funding.",
    "The leader wrote demanding that the cuts stop.",
    "Metropolitan leaders used the conference to demand a multi-year settlement.",
    "The parish councils object to the closure of the tip.",
    "The county contested the decision at a public inquiry.",
])
def test_the_same_words_count_when_they_act_on_something(rules, text):
    assert [h for h in rules.find(text) if h.option == "fight" and h.status == "counted"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Members withdrew from the meeting while the item was discussed.", "none"),
    ("Officers will withdraw the item from the agenda.", "none"),
    ("The meeting closed at 8.30pm.", "none"),
    ("Leaving aside the question of funding, the board agreed its priorities.", "none"),
    ("The council ran a campaign to encourage recycling.", "none"),
    ("A new director was appointed after a national recruitment campaign.", "none"),
    ("The chair closed the meeting by thanking officers.", "none"),
    ("The chief executive is leaving the council in March after ten years.", "none"),
    ("The library service ended the year under budget.", "none"),
    ("The road will be closed for resurfacing from 3 to 7 June.", "none"),
    ("The pool is temporarily closed while the roof is repaired.", "none"),
    ("The minutes were agreed together with the action log.", "none"),
    ("Officers explained how energy efficiency would cut the depot's bills.", "none"),
    # the same words where they are an option
    ("The council withdrew from the shared audit partnership.", "exit"),
    ("The three councils will leave the partnership in April.", "exit"),
    ("The council launched a campaign against the cuts to the library service.", "fight"),
    ("The leader said the council was leaving the combined authority.", "exit"),
    ("The council and local charities have set up a joint food poverty network.", "collaborate"),
    ("The council set up a new wifi network in the library.", "none"),
    ("Rather than close the museum, the council will run it with fewer staff and shorter hours.", "adapt"),
    ("The council will run the service with residents and carers.", "collaborate"),
    ("Income from the car parks will help to plug the gap left by the cuts.", "none"),
    ("The authority's solicitor advised members on the procedure for the hearing.", "none"),
    ("The council received 42 objections to the planning application.", "none"),
    ("The council has instructed solicitors to challenge the decision.", "fight"),
    ("The council lodged an objection to the government's plan to cap the grant.", "fight"),
    ("The council expects its new property company to deliver a surplus.", "adapt"),
    ("A new alliance of housing associations and local charities aims to end rough sleeping.", "collaborate"),
])
def test_the_everyday_sense_of_option_words_is_no_option(text, expected):
    """Meeting procedure and information campaigns state no option; the rule that recognises
    them takes their words from the other rules and from the codebook, and leaves no cue."""
    from analysis.coder.engine import RuleCoder

    (analysis,) = RuleCoder().analyse([text])
    assert RuleCoder().predict([text]) == [expected]
    assert all(h.option != "none" for h in analysis.rule_hits)  # it does not show in the evidence


@pytest.mark.parametrize("text", [
    "Members voted to approve the shared service.",
    "The cabinet voted 7 to 3 to approve the plan.",
    "The reform cut the number of votes to 20.",
])
def test_a_vote_for_something_is_not_a_vote_against(rules, text):
    assert not [h for h in rules.find(text) if h.rule == "fight: voted down"]


@pytest.mark.parametrize("text", [
    "The council voted to reject the devolution deal.",
    "Members voted unanimously to oppose the merger.",
    "The board voted down the proposal.",
    "Councillors voted 40 to 12 against the plan.",
    "Members voted not to join the combined authority.",
])
def test_a_vote_against_is_fight(rules, text):
    assert [h for h in rules.find(text) if h.rule == "fight: voted down" and h.status == "counted"]


def test_negation_is_scoped_to_the_clause(rules):
    # "not" in the first clause does not reach the cue after "but"
    hits = rules.find("The council did not cut the service gradually, but it left the partnership outright.")
    exits = [h for h in hits if h.option == "exit"]
    assert exits and exits[0].status == "counted"


def test_hyphenated_words_stay_whole(rules):
    assert any(h.option == "collaborate" for h in rules.find("a co-designed plan"))
    assert any(h.option == "exit" for h in rules.find("bring the service back in-house"))


HARD_CASES = [
    ("The three councils that set up a joint waste service are to go their separate ways.", "exit"),
    ("Two districts share a chief executive, saving £800,000 a year; each keeps its own councillors.", "adapt"),
    ("The merger is off after members refused to back the business case.", "fight"),
    ("The county and the NHS now hold a pooled budget and plan the service with families.", "collaborate"),
    ("The minutes of the last meeting were agreed as a correct record.", "none"),
]

# What reading the blind probes taught the rules, each in a sentence of our own (not a probe).
PROBES_TAUGHT = [
    # blind documents, rounds D1 and D2 (whole documents: reports, minutes, news, blogs): everyday
    # senses, and a decision put off
    ("Asked about the cost, the cabinet member declined to comment on the negotiations.", "none"),
    ("The trust is getting ready for the end of its present leases in the spring.", "none"),
    ("Until the current agreement expires next year, nothing changes for tenants.", "none"),
    ("Both clinics are run under contracts with a community interest company.", "none"),
    ("The parish's share of the running costs went up by £900 this year.", "none"),
    ("Together these sites account for almost a third of the repairs budget.", "none"),
    ("The leader refused to implement the charges the government asked for.", "fight"),
    ("The clinic was designed with patients and their carers over two years.", "collaborate"),
    ("Members are not being asked to make a decision on the shared waste service today.", "none"),
    ("A preferred option for the leisure centres will be brought for decision in March.", "none"),
    ("The vote on leaving the joint museums committee has been deferred until the autumn.", "none"),
    ("There is still no decision on the future of the council's trading company.", "none"),
    ("No option has yet been chosen for the museum, which could close or pass to a trust.", "none"),
    # round 14 (speeches, leaflets, posts; health, fire, police, trusts, parishes, budget books)
    ("The new facilities contract cuts the yearly price by £1.1m through a slimmer specification.", "adapt"),
    ("Greenfield library will stay open, but on three mornings rather than five days a week.", "adapt"),
    ("From next year only clubs with fewer than fifty members will now be eligible for the grant.", "adapt"),
    ("The two primary schools will share a single bursar from the autumn term.", "adapt"),
    ("Tarley Borough will trim its senior management by a quarter to balance the budget.", "adapt"),
    ("The constabulary will no longer second staff to the county's youth offending team.", "exit"),
    ("Twelve staff will be transferring back to the district council when the contract ends.", "exit"),
    ("Councillors threw the merger proposal out by a wide margin last night.", "fight"),
    ("The group collected 9,000 signatures against the closure of the swimming pool.", "fight"),
    ("The cabinet agreed that the leader should write to the minister opposing the planned closure of the ward.",
     "fight"),
    ("Our budget dares ministers to send in their commissioners.", "fight"),
    ("The parish will keep the freehold and go on appointing three trustees to the new hall charity.", "collaborate"),
    ("The item was referred to the joint health overview and scrutiny committee for comment.", "none"),
    ("Will the borough quit the partnership or share its planning team? All options remain on the table until June.",
     "none"),
    ("Some members think the council should leave the partnership; the leader said she did not know yet.", "none"),
    # what "despite" introduces decided nothing; the main clause did
    ("Despite a march through the town centre and a petition, the county shut the day centre for good.", "exit"),
    # a plan withdrawn later did not happen
    ("Plans to close the museum entirely have been scrapped.", "none"),
    ("The proposal to leave the shared audit service was dropped in March.", "none"),
    # possibilities listed for a later decision
    ("Cabinet will weigh three options for the joint team: keeping it, bringing it back in house or "
     "outsourcing it.", "none"),
    # each body providing for itself again, not each body keeping its own policy
    ("From April each council will provide its own building control service.", "exit"),
    ("Each council continues to set its own priorities for growth.", "none"),
    # an ended arrangement folded into a wider joint one
    ("The two safeguarding boards will be dissolved and replaced by a single countywide multi-agency "
     "board.", "collaborate"),
    # names and people, not options
    ("The opposition group asked for a recorded vote on the budget.", "none"),
    ("Harrowfield is a market town of 40,000 residents and a growing commuter population.", "none"),
    # plain council phrasing of the options
    ("The trading company was placed into liquidation last year.", "exit"),
    ("The council has lodged a formal objection with the inspector about the new quarry.", "fight"),
    ("It is proposed that the annual grant to the arts trust be reduced by 10%.", "adapt"),
    ("The move to three-weekly bin collections achieved the £400,000 saving set in the budget.", "adapt"),
    ("The old depot will close in June, with all services continuing from the new site.", "adapt"),
    # the second blind round
    ("The cabinet resolved that the council does not give its consent to the proposed combined authority.",
     "fight"),
    ("None of the five branch libraries will shut; instead opening will be restricted to weekday mornings.",
     "adapt"),
    ("The joint ICT arrangement will end in May, with each district procuring its own systems.", "exit"),
    ("The road safety partnership will be wound up and replaced by a countywide joint road safety unit.",
     "collaborate"),
    ("The decision on whether to leave the shared internal audit service was deferred to January.", "none"),
    ("Firefighters fought the blaze at the timber yard through the night.", "none"),
    ("The exit from the multi-storey car park will be closed while contractors resurface the ramp.", "none"),
    ("The Safer Streets Partnership Manager will present the annual strategic assessment.", "none"),
    ("Opposition councillors said the council should be fighting the closure of the ward.", "none"),
    ("Bringing midwives, health visitors and family workers under one roof is the hub's purpose.",
     "collaborate"),
    # the third blind round
    ("The leader said the council will not implement the new parking duties until they are funded.", "fight"),
    ("The merger brings the two planning teams together, while each council keeps its own local plan.", "adapt"),
    ("The allotments will pass to the town council, but our officers will keep working alongside the "
     "allotment society.", "collaborate"),
    ("The actuary's letter puts the exit payment at about £5m.", "none"),
    ("Road closures will be in place for the carnival from noon.", "none"),
    ("The pool will open at weekends only and the cafe will be run by a private operator.", "adapt"),
    ("Members dropped plans to leave the tourism partnership and halved the annual subscription instead.",
     "adapt"),
    ("The health board partners signed a joint commitment to reduce smoking among young people.", "collaborate"),
    # the fourth blind round
    ("Instead of fighting the grant cut, the county redesigned its supported bus network.", "adapt"),
    ("The youth strategy was written with the young people's forum, whose members will co-chair its board.",
     "collaborate"),
    ("The hall will transfer to a residents' trust in May, and two council officers will sit on the trust's "
     "board.", "collaborate"),
    ("The Eastgate office will close; its users will be seen at the Northgate office, which offers the same "
     "service at a lower running cost.", "adapt"),
    ("The shared service partnership manager presented the quarterly figures.", "none"),
    ("Cllr Moss said she was keen to collaborate with neighbouring councils.", "none"),
    ("Officers are adapting last year's consultation questionnaire for the new scheme.", "none"),
    ("The integrated risk management plan for 2025-28 goes to the fire authority in March.", "none"),
    # codebook phrases are set aside by a condition as the phrase rules are
    ("If the council left the pension pool, it would face a large bill.", "none"),
    # the fifth blind round
    ("The paper sets out three options for the joint archive: keep it, widen it or dissolve it.", "none"),
    ("From May the nurses and social workers will work as one locality team, sharing a single care record.",
     "collaborate"),
    ("The leader sent the needs budget to the Secretary of State and to every MP in the county.", "fight"),
    ("The licensing and environmental health teams will be merged, reducing the establishment by six posts.",
     "adapt"),
    ("Home care will be limited to people assessed as having critical needs.", "adapt"),
    ("The council handed control of its ward budgets to residents' panels in each area.", "collaborate"),
    ("The five day centres will be consolidated into two larger ones.", "adapt"),
    ("The cash office will shut in June, with payments moving to the central library.", "adapt"),
    # the sixth blind round
    ("Although the council campaigned against the grant cut, cabinet has accepted the settlement and will "
     "retender the contracts.", "adapt"),
    ("The Shared Services Board meets twice a year to review the service level agreement.", "none"),
    ("Our markets and events teams brought in £400,000 of new income last year.", "adapt"),
    ("The council, the police and a local charity have together pooled £150,000 for a youth outreach team.",
     "collaborate"),
    ("The scrutiny committee has referred the trust's decision to close the stroke unit to the Secretary of "
     "State.", "fight"),
    ("Play workers will fall from 30 to 21 as the centres are organised into four locality hubs.", "adapt"),
    ("Councillor Ames declared an interest as a trustee of the Riverside Trust.", "none"),
    ("The day centre will open six days a week instead of five.", "adapt"),
    # the seventh blind round
    ("The housing options and homelessness teams will be merged into one service, cutting the "
     "establishment from 30 to 24 posts.", "adapt"),
    ("The joint building control arrangement, which saved both councils money for a decade, will end in "
     "April.", "exit"),
    ("Each frail resident will have a single care coordinator drawn from the NHS, the council or a "
     "charity.", "collaborate"),
    ("Any member council wishing to withdraw must give a year's notice under the agreement.", "none"),
    ("Legal advice was sought on the termination clauses of the waste contract.", "none"),
    ("The Secretary of State has announced a consultation on business rates retention.", "none"),
    ("The carnival procession will leave the station forecourt at noon.", "none"),
    ("Members received a presentation on the work of the joint waste partnership.", "none"),
    ("The opposition amendment to reverse the library cuts was put to the vote and was lost.", "none"),
    ("The motion to approve the proposed merger with the district was put to the vote and was lost.", "fight"),
    ("Having campaigned against the hospital closure for a year, the council now co-funds a community "
     "transport scheme with the trust.", "collaborate"),
    ("Councillors rejected the proposed county devolution deal by 40 votes to 22.", "fight"),
    ("Garden waste permits and car park charges will go up from April.", "adapt"),
    ("Cabinet agreed to raise allotment rents by 10%.", "adapt"),
    ("Street cleaning in the villages moves from weekly to fortnightly.", "adapt"),
    ("Reserves of £1m will be used to bridge next year's budget gap.", "adapt"),
    ("Cabinet stopped short of closing the museum and cut its opening hours instead.", "adapt"),
    ("Leaders wrote to ministers urging them to drop the planned 2.5% cut to the bus grant.", "fight"),
    ("The borough council, created in 1974 after the last reorganisation, will be abolished next April.", "exit"),
    ("A motion calling for the council to leave the regional partnership was deferred to the next meeting.", "none"),
    ("Cabinet does not endorse the draft devolution deal put forward by the government.", "fight"),
    ("The planned merger of the two district councils collapsed after a vote in one chamber.", "fight"),
    ("The board will write to the police commissioner objecting to the removal of PCSOs.", "fight"),
    ("From April, contracts will be let by the council's own procurement team.", "exit"),
    ("Residents of Farley Court met officers to discuss the repairs backlog.", "none"),
    ("I will share it with all members when the review is published.", "none"),
    ("The two councils now share IT and payroll.", "adapt"),
    ("The board will hold a development session with the Integrated Care Partnership in June.", "none"),
    ("Small grants are available from the county's Community Foundation.", "none"),
    ("Consultation responses will be sent to the Secretary of State in the spring.", "none"),
    ("The Elm Road clinic will close in May and its patients will be moved to the new health centre on "
     "the high street.", "adapt"),
    ("The hall will be handed to the residents' association. The council and the association will jointly "
     "plan its programme.", "collaborate"),
    ("The council will dissolve its own community safety partnership and join a county-wide partnership "
     "with the police.", "collaborate"),
    ("The vote leaves the plans for a combined authority in limbo.", "none"),
    # the eighth blind round
    ("The Community Safety Collaboration Board meets quarterly and is chaired in turn by each partner.", "none"),
    ("From April the county will only provide free school transport to pupils who live beyond the "
     "statutory walking distance.", "adapt"),
    ("The change is expected to cut £900,000 from the transport budget.", "adapt"),
    ("The county's scrutiny committee resolved to refer the integrated care board's proposal to close the "
     "birth centre to the Secretary of State.", "fight"),
    ("By 2019 each district was running its own tenders again.", "exit"),
    ("Our bulky waste collections will stop for good at the end of June.", "exit"),
    ("The chief finance officer issued a section 114 notice on Tuesday.", "exit"),
    ("Its head office closes next month, but all its services carry on from the library.", "adapt"),
    ("Cabinet agreed a 30p rise in the price of a swim.", "adapt"),
    ("The resident complained about the council's refusal to provide a blue badge.", "none"),
    ("The authority, which had fought the merger in the courts, will be abolished in April.", "exit"),
    ("The Greens, who opposed the scheme, abstained; the council will leave the partnership in March.", "exit"),
    ("The staff and records of the three-council service will transfer to the new regional agency in "
     "April.", "collaborate"),
    ("The joint committee's remaining reserve of £50,000 was noted by members.", "none"),
    ("Trading standards launched a campaign against doorstep scams jointly with the police.", "collaborate"),
    ("We want to hear your views on closing two libraries or cutting hours at all six. No decision has "
     "yet been taken.", "none"),
    ("You asked for papers on leaving the waste partnership. There is no such proposal.", "none"),
    ("Studies group councils into those that resisted and those that retrenched.", "none"),
    ("A reader wants the council to fight the closure of the bus station.", "none"),
    ("How many councils now share a chief executive?", "none"),
    ("Garden waste will no longer be collected free of charge.", "adapt"),
    # the ninth blind round
    ("We took the government to judicial review over the grant formula in, what, 2014, I think?", "fight"),
    ("Q: What happened to the merger? A: Our members threw it out at a special meeting.", "fight"),
    ("The talks fell over in the spring.", "fight"),
    ("The clinic building shut, yes. But the service carried on; we moved it into a room at the library.", "adapt"),
    ("We cut the wardens by about a third and moved everyone into two hubs.", "adapt"),
    ("Each council went back to having its own finance director.", "exit"),
    ("The relationship between the two leaders had broken down by then.", "none"),
    ("The careers service just went.", "exit"),
    ("We were coming out of the regional network because the fee wasn't worth it.", "exit"),
    ("Shared legal with the county ended in March.", "exit"),
    ("The police, teachers and our social workers sit in one room and agree one plan for each family.", "collaborate"),
    ("We gave up control of the grants panel to the residents.", "collaborate"),
    ("The housing association drew up the specification with us over six months.", "collaborate"),
    ("We put our money in one pot with the health trust for the falls service.", "collaborate"),
    ("The centre will be run by the trust, with two council officers on its board.", "collaborate"),
    ("Only three of the nine members present voted.", "none"),
    ("The chair said the council will not be giving its consent to the order.", "fight"),
    ("The opposition said the alliance was a front for cuts.", "none"),
    ("There are two options going to cabinet in May. Officers haven't made a recommendation yet.", "none"),
    ("We looked at what the neighbours did: one went to court, one sold its leisure centres. We haven't "
     "committed to any of that.", "none"),
    ("We talked about leaving the partnership. It never went further than that.", "none"),
    ("The board used to fight the county, but now it just shares updates.", "none"),
    ("After a year of protests, the council joined the county-wide food partnership.", "collaborate"),
    ("Cabinet agreed to award the cleaning contract to Brightway Services Ltd.", "adapt"),
    # the tenth blind round
    ("The board resolved by 11 votes to 3 not to support the proposed merger of the two trusts.", "fight"),
    ("The board asked the chair to write to the minister about the funding formula.", "fight"),
    ("The borough will leave the consortium next year and make its own arrangements for legal advice.", "exit"),
    ("The waste authority resolved to wind up Westvale Recycling Ltd and return the sites to the councils.", "exit"),
    ("Ashby is a unitary authority serving 200,000 residents.", "none"),
    ("The council had formally contested the inspectorate's 'requires improvement' judgement.", "fight"),
    ("Each partner will second two officers to the new taskforce.", "collaborate"),
    ("Twelve councils agreed to combine £3m for a single flood programme.", "collaborate"),
    ("The hall passed to the trust, with the council giving up any say in how it is run.", "exit"),
    ("You will still be able to see an adviser face to face at the library.", "adapt"),
    ("The county invites tenders from qualified contractors to run its grounds maintenance.", "adapt"),
    ("By running our payroll jointly with Fenby District, we have cut its costs by £90,000.", "adapt"),
    ("About 12p of every pound goes to the county and the rest to the police.", "none"),
    ("Plans to close the swimming pool have been scrapped.", "none"),
    ("The centre will be let to a leisure operator on a ten-year contract.", "adapt"),
    ("Each body sets its own charge on the bill.", "none"),
    ("Members will question officers on the review of the shared audit service.", "none"),
    ("Future of the shared legal service: report to cabinet in March.", "none"),
    ("No recommendation has yet been published.", "none"),
    ("The cabinet has so far committed to none of these routes.", "none"),
    ("Leaders have written jointly to the environment secretary about the funding gap.", "fight"),
    # the eleventh blind round
    ("Four districts have formed an alliance to oppose the county's unitary bid.", "fight"),
    ("The borough will not, after all, pull out of the waste partnership.", "none"),
    ("Cabinet agreed to trigger the dispute clause and take the recharge to arbitration.", "fight"),
    ("The board does not support the preferred option of closing the unit.", "fight"),
    ("From May the pool will shut on Mondays and a swim will rise from £4 to £5.", "adapt"),
    ("Our trading standards team now offers paid-for advice visits to businesses.", "adapt"),
    ("The contract is expected to bring in £60,000 a year.", "adapt"),
    ("The toilets will cost 30p to use from June.", "adapt"),
    ("Buses will run every two hours rather than hourly.", "adapt"),
    ("The change takes £500,000 out of the transport budget.", "adapt"),
    ("Councillors voted to switch the cameras off for good.", "exit"),
    ("The district council would be abolished under the proposal.", "exit"),
    ("Scrapping the service outright was never on the table.", "none"),
    ("Twelve of the staff were solicitors or barristers.", "none"),
    ("The number of appeals fell from 27 to 19.", "none"),
    ("Councillor Shaw asked that his vote against be recorded.", "none"),
    ("Together the measures will cut the energy bill by a third.", "adapt"),
    ("Tutors from the college and the council will teach the courses side by side.", "collaborate"),
    ("Four councils and 200 businesses set up a joint destination company, combining their marketing "
     "budgets.", "collaborate"),
    ("The council will second a youth worker to the trust for two years.", "collaborate"),
    ("The council will sit with the charity on a joint steering group.", "collaborate"),
    ("Any recommendation to end the arrangement will be a matter for cabinet.", "none"),
    ("A motion asking the leader to lobby government will be debated in March.", "none"),
    ("No decision is sought at this meeting.", "none"),
    ("A proposal to withdraw was discussed in 2016 but never put to a vote.", "none"),
    ("It closed three of its five customer service centres.", "adapt"),
    # the twelfth blind round
    ("The fire service and twenty community groups jointly fund the £50,000 befriending programme.", "collaborate"),
    ("Our grant budgets fell by a fifth last year.", "none"),
    ("The budget raises the threshold for funded care from moderate to substantial needs.", "adapt"),
    ("Plans for the two districts to share a chief executive collapsed last night.", "none"),
    ("The borough, the police and the fire service will form a single county-wide safety board.", "collaborate"),
    ("Cabinet agreed to serve the 12 months' notice required under the agreement.", "exit"),
    ("The council has committed to a disposals programme of 80 sites.", "adapt"),
    ("The council will provide no funding or staff after April.", "exit"),
    ("Campaigners packed the gallery, but the council approved the revised scheme and raised the charges.", "adapt"),
    ("The library stays open but will close on Mondays, and campaigners say they will keep watching.", "adapt"),
    ("Satisfaction was 54%, down from 67% in 2012.", "none"),
    ("The LEP's functions will transfer into the new combined authority.", "collaborate"),
    ("The council, the CVS and the food banks ran one hub with a joint rota for deliveries.", "collaborate"),
    # the thirteenth blind round
    ("The borough says it will not be enforcing the new collection rules.", "fight"),
    ("The revised policy introduces a contribution of £400 a year for post-16 transport.", "adapt"),
    ("About 200 staff will transfer to Apex Services under TUPE.", "adapt"),
    ("Staff will transfer to the council under TUPE when the contract ends.", "exit"),
    ("The council invited residents to co-design the new park.", "collaborate"),
    ("The partnership is being folded into something bigger.", "collaborate"),
    ("Each member has given up some freedom over how it buys.", "collaborate"),
    ("The council handed a panel of residents control over £1m of spending.", "collaborate"),
    ("A recommendation will be brought to cabinet in March.", "none"),
    ("Opposition Liberal Democrats have called on the council to leave the partnership.", "none"),
    ("Cabinet agreed a plan to shave 4% off third-party spend.", "adapt"),
    ("The community safety team is folded into a new neighbourhoods service.", "adapt"),
    ("The council's contribution falls from £180,000 to £65,000.", "adapt"),
    ("The team will not be disbanded but will shrink from nine posts to three.", "adapt"),
    ("Advice will be charged at £75 an hour.", "adapt"),
    ("The union said the move would restore local knowledge.", "none"),
    ("Leaders are lobbying the Treasury to restore the grant in full.", "fight"),
    ("The partners have set up a joint county lines team.", "collaborate"),
    ("The borough will become a full constituent member of the new combined authority.", "collaborate"),
    ("The council withdrew its application to become a constituent member of the combined authority.", "exit"),
    ("The joint contract will also save £300,000, but the aim is one service for survivors.", "none"),
]


@pytest.mark.parametrize(("text", "expected"), HARD_CASES + PROBES_TAUGHT)
def test_rule_coder_on_hard_cases(rule_coder, text, expected):
    assert _primary(rule_coder, text) == expected


# ------------------------------------------------------------------ the coders


def test_combined_output_columns_scores_and_explanations(combined):
    out = combined.code_passages(["Cabinet agreed to give notice to leave the shared audit partnership.",
                                  "The chair welcomed everyone to the meeting."])
    assert list(out.columns) == ["document_id", "fight", "adapt", "exit", "collaborate", "primary", "evidence",
                                 "p_none", "certainty", "cues"]
    first, second = out.iloc[0], out.iloc[1]
    assert first["primary"] == "exit"
    assert first[["fight", "adapt", "exit", "collaborate"]].sum() == pytest.approx(1.0, abs=1e-3)
    assert 0 <= first["certainty"] <= 1 and first["p_none"] < 0.5
    assert 'exit rule "give notice to leave the shared audit partnership"' in first["cues"]
    assert "exit(rule 3)" in first["evidence"]
    assert second["primary"] == "none" and second[["fight", "adapt", "exit", "collaborate"]].sum() == 0


def test_documents_are_coded_from_their_passages(combined):
    text = ("The board met on Tuesday.\n\nThe council gave notice to leave the shared legal service, "
            "and each authority will run its own team from April.\n\nApologies were received.")
    texts = pd.DataFrame({"document_id": ["d1", "d2"], "text": [text, "Nothing of note was said."]})
    out = combined.code(texts)
    assert out["primary"].tolist() == ["exit", "none"]
    assert out.loc[0, "exit"] > 0.5
    # evidence positions point into the document
    start = text.index("gave notice")
    assert f"{start}-" in out.loc[0, "evidence"]
    paras = combined.code(texts, by="paragraph")
    assert paras["paragraph"].tolist() == [1, 2, 3, 1]
    assert paras["primary"].tolist() == ["none", "exit", "none", "none"]


def test_split_passages_cuts_long_paragraphs():
    long = " ".join(f"Sentence {i} has five words." for i in range(60))
    pieces = split_passages("Short one.\n\n" + long)
    assert pieces[0] == (0, "Short one.")
    assert all(len(p.split()) <= 120 for _, p in pieces)
    text = "Short one.\n\n" + long
    assert all(text[s : s + len(p)] == p for s, p in pieces)
    salad = " ".join(["word"] * 500)  # no punctuation at all
    assert [len(p.split()) for _, p in split_passages(salad)] == [120, 120, 120, 120, 20]


def test_lines_wrapped_inside_a_sentence_are_read_as_one_sentence(rule_coder, combined):
    """Text from a PDF or a hard-wrapped e-mail breaks lines inside sentences; a line break
    before a small letter or a digit ends no sentence (a heading's line break still does)."""
    wrapped = "The council did not\nleave the partnership."
    assert _primary(rule_coder, wrapped) == "none"  # the negation reaches across the line break
    out = rule_coder.code_passages(["Cabinet agreed to give notice to leave the shared\naudit partnership."])
    assert 'exit(rule 3) "give notice to leave the shared audit partnership" 18-67' in out["evidence"][0]
    assert _primary(rule_coder, "Shared Audit Service\nThe council left the shared audit partnership.") == "exit"
    # a page of wrapped lines is cut into passages at sentence ends, never inside a sentence
    page = "\n".join(["Members noted that the county had given notice to", "leave the shared legal service",
                       "and that each council would run its own team from April."] * 30)
    pieces = split_passages(page)
    assert len(pieces) > 1 and all(p.endswith("April.") for _, p in pieces)
    assert set(combined.code(pd.DataFrame({"document_id": ["p"], "text": [page]}))["primary"]) == {"exit"}


def test_ties_go_to_the_earlier_option():
    from analysis.coder.engine import primary

    options = ("fight", "adapt", "exit", "collaborate")
    assert primary({"fight": 6.0, "adapt": 0.0, "exit": 0.0, "collaborate": 6.0}, options) == "fight"
    assert primary({"fight": 0.0, "adapt": 2.0, "exit": 2.0, "collaborate": 0.0}, options) == "adapt"
    assert primary(dict.fromkeys(options, 0.0), options) == "none"


def test_an_action_on_an_object_outranks_the_object_alone(rules):
    hits = rules.find("The council gave notice to leave the shared legal service.")
    assert [h.option for h in hits] == ["exit"]


def test_learned_coder_is_deterministic_and_calibrated():
    from analysis.coder.engine import LearnedCoder

    gold = load_gold()
    part = gold[gold["split"] == "train"].groupby("code").head(12)
    a = LearnedCoder(random_state=0).fit(part["text"].tolist(), part["code"].tolist())
    b = LearnedCoder(random_state=0).fit(part["text"].tolist(), part["code"].tolist())
    texts = ["The council will leave the partnership.", "We pooled budgets with health."]
    pa, pb = a.predict_proba(texts), b.predict_proba(texts)
    np.testing.assert_array_equal(pa, pb)
    np.testing.assert_allclose(pa.sum(axis=1), 1.0)
    assert set(a.classes_) == {"fight", "adapt", "exit", "collaborate", "none"}


def test_model_save_load_and_refusals(tmp_path):
    from analysis.coder import default_model

    model = default_model()
    path = save_model(model, tmp_path / "m.joblib")
    loaded = load_model(path)
    texts = ["The county stopped funding youth services altogether."]
    np.testing.assert_array_equal(loaded.predict_proba(texts), model.predict_proba(texts))
    broken = tmp_path / "broken.joblib"
    broken.write_bytes(b"not a model at all")
    with pytest.raises(InputError, match="broken.joblib could not be read"):
        load_model(broken)
    import joblib

    other = tmp_path / "other.joblib"
    joblib.dump({"format": "analysis-coder", "format_version": 1,
                 "versions": {"analysis": "0.0.1", "scikit-learn": "0.1"}, "model": None}, other)
    with pytest.raises(InputError, match="other.joblib was made with another version"):
        load_model(other)
    with pytest.raises(InputError, match="not found"):
        load_model(tmp_path / "missing.joblib")


# ---------------------------------------------------------------------- gold set


def test_gold_set_size_hard_share_and_registers():
    gold = load_gold()
    assert len(gold) >= 400 and gold["passage_id"].is_unique and gold["text"].is_unique
    hard = gold["hard_type"].fillna("") != ""
    assert hard.mean() >= 0.25
    assert gold["register"].nunique() >= 8
    assert set(gold["code"]) == {"fight", "adapt", "exit", "collaborate", "none"}
    # the split is balanced by code and hardness
    counts = gold.groupby(["code", "split"]).size().unstack()
    assert (abs(counts["test"] - counts["train"]) <= 2).all()
    assert abs(hard[gold["split"] == "test"].mean() - hard[gold["split"] == "train"].mean()) < 0.05


def _test_half_digest(gold):
    test = gold[gold["split"] == "test"].sort_values("passage_id")
    lines = [f"{r.passage_id}\t{r.code}\t{r.text}" for r in test.itertuples()]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def test_test_half_is_frozen():
    assert _test_half_digest(load_gold()) == TEST_HALF_SHA256


def test_second_labelling_pass_covers_every_passage():
    from analysis.coder.evaluate import label_agreement

    gold = load_gold()
    second = pd.read_csv(SECOND)
    result = label_agreement(gold, second)
    assert result["n"] == len(gold)
    assert result["kappa"] >= 0.8


def test_independent_blind_pass_agrees_as_documented():
    """A second coder who never saw the first labels (docs/coding.md): 403 of 409, kappa 0.98."""
    from analysis.coder.evaluate import label_agreement

    gold = load_gold()
    blind = pd.read_csv(ROOT / "tests" / "gold" / "independent_pass_labels.csv", keep_default_na=False)
    assert sorted(blind["passage_id"]) == sorted(gold["passage_id"])
    result = label_agreement(gold, blind[["passage_id", "code"]])
    assert (result["n"], result["agree"]) == (409, 403)
    assert result["kappa"] == pytest.approx(0.981, abs=0.001)


@pytest.mark.slow
def test_targets_on_the_frozen_test_half(combined):
    from analysis.coder.evaluate import scores

    gold = load_gold()
    test = gold[gold["split"] == "test"]
    out = combined.code_passages(test["text"].tolist())
    pred = pd.DataFrame({"code": test["code"].to_numpy(), "combined": out["primary"].to_numpy(),
                         "hard": (test["hard_type"].fillna("") != "").to_numpy()})
    s = scores(pred, coders=("combined",)).iloc[0]
    print(f"test half: macro F1 {s.macro_f1:.3f}, hard accuracy {s.hard_accuracy:.3f}")
    assert s.macro_f1 >= 0.85
    assert s.hard_accuracy >= 0.75


@pytest.mark.slow
def test_blind_probes_written_by_others(combined):
    """1,290 passages written by helpers who saw only the decision rules, never the coder
    (tests/gold/blind_probes.csv), in fourteen rounds. Read blind, each round after the rules had
    been changed by reading the errors of the rounds before, the combined coder got 0.789, 0.671,
    0.800, 0.817, 0.800, 0.800, 0.740, 0.780, 0.720, 0.770, 0.670, 0.780, 0.740 and 0.840 right;
    changed after each, it gets 0.938 of all 1,290 (docs/coding.md). The set is now a development set,
    and the floors below catch a change that undoes that work."""
    probes = pd.read_csv(ROOT / "tests" / "gold" / "blind_probes.csv")
    assert len(probes) == 1290 and probes["probe_id"].is_unique
    got = combined.code_passages(probes["text"].tolist())["primary"].to_numpy()
    right = got == probes["code"].to_numpy()
    hard = probes["hard"].to_numpy() == 1
    print(f"blind probes: {right.mean():.3f} right, hard {right[hard].mean():.3f}")
    assert right.mean() >= 0.9
    assert right[hard].mean() >= 0.86
    # each option is found on its own passages, not only on average
    for option in ("fight", "adapt", "exit", "collaborate", "none"):
        mine = probes["code"].to_numpy() == option
        assert right[mine].mean() >= 0.7, option


def test_blind_documents_written_by_others(combined):
    """Whole documents (240-810 words: reports with options and recommendations, minutes, news,
    blogs, transcripts, newsletters) written by helpers who saw only the decision rules and the
    document rule (tests/gold/blind_documents.csv, docs/coding.md), in seven rounds of 50, each
    read blind before the rules were changed by it: D1 0.64, D2 0.56 (after a change that did
    not hold and was taken out), D3 0.76 (with the changes that held on D1 and D2), D4 0.74
    (nothing changed after it), D5 0.80, D6 0.78, D7 0.64. Now D1 0.80, D2 0.78, D3 0.78,
    D4 0.80, D5 0.86, D6 0.84, D7 0.70. Floors under that, each option's documents kept apart."""
    docs = pd.read_csv(ROOT / "tests" / "gold" / "blind_documents.csv", keep_default_na=False)
    assert len(docs) == 350 and docs["doc_id"].is_unique
    out = combined.code(docs.rename(columns={"doc_id": "document_id"})[["document_id", "text"]])
    right = out["primary"].to_numpy() == docs["code"].to_numpy()
    print(f"blind documents: {right.mean():.3f} right")
    assert right.mean() >= 0.77
    floors = {"fight": 0.8, "adapt": 0.8, "exit": 0.75, "collaborate": 0.9, "none": 0.48}
    for option, floor in floors.items():
        assert right[docs["code"].to_numpy() == option].mean() >= floor, option


def test_a_document_that_reports_ending_an_arrangement_is_exit_however_it_saved_money(combined):
    # decision rule 7 (if the thing ends, exit) at the level of a document: the history of the
    # shared service's savings does not outvote the decision to leave it
    history = ("The shared revenues service was set up in 2012 to cut costs. It merged the two back "
               "offices, moved to one site and saved £1.2m a year through shared management.")
    savings = "Since then the shared team has delivered further savings by automating claims and cutting posts."
    decision = "Cabinet agreed to give notice to leave the shared revenues partnership from April."
    plan = "Cabinet will consider giving notice to leave the shared revenues partnership."
    docs = pd.DataFrame({"document_id": ["decided", "not decided", "saved"],
                         "text": ["\n\n".join([history, savings, decision]), "\n\n".join([history, savings, plan]),
                                  "\n\n".join([history, savings])]})
    coded = combined.code(docs).set_index("document_id")
    out = coded["primary"]
    assert out["decided"] == "exit"
    assert coded.loc["decided", "cues"].startswith("decision to end an arrangement (rule 7)")
    assert coded.loc["decided", "adapt"] > coded.loc["decided", "exit"]  # the scores still say what the passages said
    assert coded.loc["decided", "certainty"] == 0  # so that --suggest offers it for hand coding
    assert out["not decided"] == "adapt"  # no decision reported: the old majority stands
    assert out["saved"] == "adapt"


def test_a_paragraph_setting_out_one_option_does_not_vote(combined):
    options = ["Option 1 - Stay in the shared service and accept its higher charges to save money.",
               "4.2 Option 2 - Merge the two teams into one to cut costs and reduce posts.",
               "(c) Option 3 - Outsource the service to a private provider on a five-year contract."]
    decision = "The council agreed to leave the shared legal partnership and give notice."
    doc = pd.DataFrame({"document_id": ["paper"], "text": ["\n\n".join([*options, decision])]})
    assert combined.code(doc)["primary"].item() == "exit"
    from analysis.coder.engine import sets_out_option

    assert [sets_out_option(t) for t in options] == [True, True, True]
    assert not sets_out_option("Options were considered in detail.")


def test_what_is_still_to_be_decided_does_not_report_a_decision():
    from analysis.coder.engine import reports_decision

    assert reports_decision("Cabinet approved the plan.")
    assert reports_decision("The motion was not agreed.")  # decided, against
    assert not reports_decision("The next meeting is in June; venue to be confirmed.")
    assert not reports_decision("The route is yet to be agreed.")
    assert not reports_decision("If approved, the service would move in April.")
    # a resolution only to note decides nothing; one to act does, noted beside it or not
    assert not reports_decision("RESOLVED: That the annual report be noted.")
    assert not reports_decision("It was agreed to note the update on the shared service.")
    assert reports_decision("The report was noted and members agreed to close the centre.")
    assert reports_decision("Members agreed to close the centre and asked officers to note the feedback.")
    # a question asks; the answer may decide
    assert not reports_decision("1. Has the council decided to leave the shared HR partnership?")
    assert reports_decision("Has the council decided? Yes: cabinet agreed to leave the partnership in May.")
    assert reports_decision("In 2013 we agreed to leave the partnership, I think?")  # no question opens it


def test_papers_for_noting_and_decisions_to_come_decide_nothing(combined):
    texts = {
        "noting": "For: Information / noting\n\nThe integrated care board and the council have pooled budgets "
                  "and work together in one place.",
        "later": "The Board noted the update on the LEP's future. A full options paper will be brought to the "
                 "November meeting for decision.\n\nOne option is to transfer the LEP to the county council.",
        "report": "Witnesses told the committee that shared services had delivered savings.\n\nThe committee "
                  "expects to publish its report in the spring.",
        "audit": "Internal Audit Plan 2025/26\n\nThe plan includes a review of the trading company's income target "
                 "and of the savings from the shared revenues service.",
        "foi": "1. Has the council decided to leave the shared HR partnership?\n\n1. No. The council has made no "
               "decision to leave the partnership.",
        "asked": "The chair replied that there was no proposal before the committee or any of its councils to "
                 "withdraw from the bus partnership.",
    }
    out = combined.code(pd.DataFrame({"document_id": list(texts), "text": list(texts.values())}))
    assert out["primary"].tolist() == ["none"] * 6, out[["document_id", "primary", "cues"]]
    assert out["cues"].str.startswith("nothing decided yet").all()


# ---------------------------------------------------------------------- command


def test_code_command_models_suggest_and_bad_documents(tmp_path, capsys):
    from analysis.cli import main

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The council gave notice to leave the shared legal service.", encoding="utf-8")
    (docs / "b.txt").write_text("We lobbied the minister. Residents co-designed the plan.", encoding="utf-8")
    (docs / "empty.txt").write_bytes(b"")
    out = tmp_path / "out" / "codes.csv"
    assert main(["code", str(docs), "--out", str(out), "--suggest", "1"]) == 2
    captured = capsys.readouterr()
    assert "empty.txt" in captured.err
    assert "1 least certain documents" in captured.out
    codes = pd.read_csv(out)
    assert codes["document_id"].tolist() == ["a", "b"]  # the others are still coded
    assert codes.loc[0, "primary"] == "exit"
    assert {"p_none", "certainty", "cues"} <= set(codes.columns)
    assert main(["code", str(docs), "--out", str(out), "--model", "rules", "--force"]) == 2
    assert pd.read_csv(out).loc[0, "primary"] == "exit"


def test_code_command_refuses_a_broken_model(tmp_path, capsys):
    from analysis.cli import main

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The council left the partnership.", encoding="utf-8")
    bad = tmp_path / "model.joblib"
    bad.write_bytes(b"\x80\x04garbage")
    out = tmp_path / "codes.csv"
    assert main(["code", str(docs), "--out", str(out), "--model-file", str(bad)]) == 2
    assert "model.joblib could not be read" in capsys.readouterr().err
    assert not out.exists()


def test_train_coder_command(tmp_path, capsys):
    from analysis.cli import main

    gold = load_gold()
    small = gold[gold["split"] == "train"].groupby("code").head(8)[["text", "code"]]
    src = tmp_path / "hand.csv"
    small.to_csv(src, index=False)
    model = tmp_path / "m.joblib"
    assert main(["train-coder", str(src), "--out", str(model)]) == 0
    assert load_model(model).predict(["The council left the partnership."]).tolist()[0] in {"exit", "none"}
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"text": ["x", "y"], "code": ["fight", "maybe"]}).to_csv(bad, index=False)
    assert main(["train-coder", str(bad), "--out", str(tmp_path / "n.joblib")]) == 2
    assert "row 3, column code" in capsys.readouterr().err


def test_shipped_codebook_failure_is_an_error_not_a_fallback(monkeypatch):
    import analysis.codebook as codebook
    from analysis.data import dataset
    from analysis.typology import features as typology

    def broken(*a, **k):
        raise InputError("codebook analysis/codebook.yml (shipped), line 3: broken")

    monkeypatch.setattr(codebook, "load_codebook", broken)
    typology._indicator_options_cached.cache_clear()
    dataset._codebook_indicators.cache_clear()
    try:
        with pytest.raises(InputError, match="line 3: broken"):
            typology.indicator_options()
        with pytest.raises(InputError, match="line 3: broken"):
            dataset._codebook_indicators()
    finally:
        typology._indicator_options_cached.cache_clear()
        dataset._codebook_indicators.cache_clear()


def test_a_document_that_says_nothing_is_decided_takes_an_option_only_from_a_decision(combined):
    """An options paper sets out each option in a paragraph of its own; when the document says
    nothing has been decided yet, only a passage that reports a decision can give it an option."""
    options = ["Option A: leave the shared legal service and bring the team back in house.",
               "Option B: share a single head of legal services with Barford to save £120,000.",
               "Option C: lobby the government for a fairer settlement for small districts."]
    said = "No decision has been made. Cabinet will consider the responses in September."
    paper = pd.DataFrame({"document_id": ["paper", "decided"],
                          "text": ["\n\n".join([*options, said]),
                                   "\n\n".join([*options, said, "Cabinet agreed on Monday to leave the shared "
                                                  "procurement partnership with Barford from April."])]})
    # each option alone reads as that option
    assert combined.code_passages(options)["primary"].tolist() == ["exit", "adapt", "fight"]
    out = combined.code(paper).set_index("document_id")
    assert out.loc["paper", "primary"] == "none"
    assert out.loc["paper", "cues"] == 'nothing decided yet ("No decision has been made")'
    assert out.loc["paper", ["fight", "adapt", "exit", "collaborate"]].sum() == 0
    assert out.loc["decided", "primary"] == "exit"
    alone = combined.code_passages([paper.loc[1, "text"].split("\n\n")[-1]]).iloc[0]
    for option in ("fight", "adapt", "exit", "collaborate"):  # the shares are those of the decision alone
        assert out.loc["decided", option] == pytest.approx(alone[option], abs=1e-4)
    # paragraph by paragraph, each option keeps its own reading
    paras = combined.code(paper.head(1), by="paragraph")
    assert paras["primary"].tolist() == ["exit", "adapt", "fight", "none"]
