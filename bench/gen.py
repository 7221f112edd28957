#!/usr/bin/env python3
"""Synthetic listening-exercise responses for the benchmarks.

usage: gen.py N OUTDIR       write N responses as four exports with their mappings
       gen.py --rules FILE   write the benchmark rule set (bench/rules.xml)

The N responses are spread over the four channels (online 55%, paper 20%,
event cards 15%, Easy Read paper 10%), each channel an export of its own
with a mapping in OUTDIR: online.csv, paper.csv, event-card.csv and
easy-read.csv, with NAME.map.xml beside each. They are for the exercise in
samples/exercise-2019.xml and place responses in all nine districts, by a
real postcode from samples/postcodes/staffs-postcodes.csv or by the event.
Every response answers one free-text question (one in ten a second one)
with 20 to 600 characters (most short, some long: about 210 on average)
of sentences from templates: mentions of the
benchmark themes, things the exclude patterns cancel, near misses, filler,
and some non-ASCII text (curly quotes, accents, pound signs, emoji, a few
other scripts). The output depends only on N: the seed is fixed.
"""
import csv
import os
import random
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "samples")

# ---------------------------------------------------------------------------
# Themes: code, label, parent, questions (or None), includes, excludes,
# examples (true), examples (false), and phrases that mention the theme.
# A phrase may use {n} for a number and {place} for a hospital or town.
# Patterns are written so that PCRE2 and Python's re read them alike.

T = []


def theme(code, label, parent=None, questions=None, inc=(), exc=(), yes=(), no=(), say=()):
    T.append(dict(code=code, label=label, parent=parent, questions=questions, inc=list(inc),
                  exc=list(exc), yes=list(yes), no=list(no), say=list(say)))


NO_WAIT = (r"\b(?:no|without|(?:didn['’]?t|did\s+not|never)\s+(?:have|had|need)\s+to)"
           r"\s+(?:wait|queue)\b")

theme("URGENT", "Urgent and emergency care",
      inc=[r"\bA\s*(?:&|and)\s*E\b|\bcasualty\b|\baccident\s+and\s+emergency\b",
           r"\bemergenc(?:y|ies)\b"],
      yes=["Went to A&E with my son"], no=["The GP was helpful"],
      say=["went to A&E at {place}", "casualty at {place} was packed",
           "it was an emergency"])
theme("URGENT-AE-WAIT", "A&E waiting times", "URGENT",
      inc=[r"\b(?:A\s*(?:&|and)\s*E|casualty)\b[^.!?\n]{0,60}?\b(?:wait\w*|hours?|trolleys?)\b",
           r"\b(?:waited|waiting)\b[^.!?\n]{0,40}?\b(?:in|at)\s+(?:A\s*(?:&|and)\s*E|casualty)\b",
           r"\btrolleys?\s+in\s+(?:the\s+)?corridors?\b"],
      exc=[NO_WAIT],
      yes=["We waited 9 hours in A&E", "A and E wait was awful", "trolleys in the corridor"],
      no=["Went to A&E and there was no wait at all", "waiting room at the GP"],
      say=["we waited {n} hours in A&E at {place}", "A&E wait was {n} hours",
           "my mum was on a trolley in the corridor for {n} hours",
           "casualty took {n} hours to see us"])
theme("URGENT-AMBULANCE", "Ambulances", "URGENT",
      inc=[r"\bambulances?\b|\bparamedics?\b", r"\b(?:rang|called|phoned)\s+999\b"],
      exc=[r"\bambulance\s+chas\w*"],
      yes=["the ambulance took 4 hours", "I rang 999"], no=["ambulance chasers on the radio"],
      say=["the ambulance took {n} hours to come", "paramedics were brilliant",
           "I rang 999 for my dad"])
theme("URGENT-111", "NHS 111", "URGENT",
      inc=[r"\b(?:NHS\s+)?111\b(?!\s*\d)", r"\bout[-\s]of[-\s]hours\b"],
      exc=[r"\bward\s+111\b"],
      yes=["NHS 111 were helpful", "out of hours doctor"], no=["dad was on ward 111"],
      say=["NHS 111 sent us to {place}", "111 kept me on hold for {n} minutes",
           "the out of hours service rang back"])
theme("URGENT-MIU", "Minor injuries and walk-in", "URGENT",
      inc=[r"\bminor\s+injur(?:y|ies)\b", r"\bwalk[-\s]?in\s+cent(?:re|er)s?\b"],
      yes=["minor injuries unit was quick", "the walk-in centre"], no=["I walked in"],
      say=["the minor injuries unit at {place} was quick", "the walk-in centre closed early"])

theme("GP", "GP and primary care",
      inc=[r"\bGPs?\b|\bgeneral\s+practi(?:ce|tioners?)\b", r"\b(?:doctor|surgery)['’]?s?\b"],
      yes=["my GP is great"], no=["the hospital"],
      say=["my GP", "the surgery", "our doctor's surgery"])
theme("GP-APPOINTMENTS", "Getting a GP appointment", "GP",
      inc=[r"\bappointments?\b[^.!?\n]{0,40}?\b(?:weeks?|impossible|none\s+left)\b",
           r"\b(?:can['’]?t|cannot|could\s+not|couldn['’]?t)\s+get\s+(?:an?\s+)?appointment\b",
           r"\b(?:8|eight)\s*(?:am|o['’]?clock)\b"],
      exc=[r"\bappointment\s+(?:straight\s+away|the\s+same\s+day)\b"],
      yes=["could not get an appointment", "appointments are three weeks away",
           "ringing at 8am"],
      no=["got an appointment the same day"],
      say=["could not get an appointment for {n} weeks", "ringing at 8am is a lottery",
           "appointments are impossible at {place}", "I can’t get an appointment"])
theme("GP-PHONE", "Getting through on the phone", "GP",
      inc=[r"\bphone\s+lines?\b", r"\b(?:on\s+hold|engaged\s+tone)\b",
           r"\b(?:rang|called)\s+\d+\s+times\b"],
      yes=["I rang 40 times", "on hold for an hour"], no=["my phone broke"],
      say=["I rang {n} times before I got through", "on hold for {n} minutes",
           "the phone lines are always engaged"])
theme("GP-RECEPTION", "Receptionists", "GP",
      inc=[r"\breceptionists?\b", r"\breception\s+(?:staff|desk|team)\b"],
      exc=[r"\breception\s+(?:was|is)\s+(?:lovely|kind|helpful)\b"],
      yes=["the receptionist was rude"], no=["reception was lovely"],
      say=["the receptionist was rude", "the reception staff ask too many questions"])
theme("GP-CONTINUITY", "Seeing the same doctor", "GP",
      inc=[r"\bsame\s+(?:GP|doctor)\b", r"\blocums?\b", r"\bcontinuity\b"],
      yes=["never see the same doctor", "all locums"], no=["same day"],
      say=["you never see the same doctor twice", "it is always a locum"])
theme("GP-PHARMACY", "Pharmacies", "GP",
      inc=[r"\bpharmac(?:y|ies|ists?)\b|\bchemists?\b", r"\bprescriptions?\b"],
      yes=["the pharmacist sorted it", "my prescription"], no=["a farm"],
      say=["the pharmacist at {place} was very helpful", "repeat prescriptions take a week",
           "the chemist was closed"])

theme("STAFF", "Staff",
      inc=[r"\bstaff\b", r"\b(?:nurses|doctors)\b"],
      yes=["the staff"], no=["a stick"],
      say=["the staff", "nurses and doctors"])
theme("STAFF-KIND", "Kind and caring staff", "STAFF",
      inc=[r"\b(?:staff|nurses?|doctors?|midwi(?:fe|ves)|paramedics?)\b[^.!?\n]{0,40}?\b(?:kind|caring|lovely|brilliant|amazing|wonderful)\b",
           r"\b(?:kind|caring|lovely|brilliant|amazing|wonderful)\s+(?:staff|nurses?|doctors?|midwi(?:fe|ves))\b",
           r"\bcould(?:n['’]?t|\s+not)\s+fault\b"],
      exc=[r"\bnot\s+(?:kind|caring)\b"],
      yes=["the nurses were so kind", "lovely staff", "couldn't fault them"],
      no=["the nurses were not kind"],
      say=["the nurses were so kind", "lovely staff on ward {n}",
           "the midwife was amazing", "could not fault the care"])
theme("STAFF-RUDE", "Rude or dismissive staff", "STAFF",
      inc=[r"\b(?:rude|dismissive|arrogant|patronising|condescending)\b",
           r"\b(?:didn['’]?t|did\s+not|never)\s+listen\w*\b"],
      yes=["the doctor was rude", "they didn't listen"], no=["very polite"],
      say=["the consultant was rude", "they did not listen to me", "dismissive about my pain"])
theme("STAFF-SHORTAGE", "Staff shortages", "STAFF",
      inc=[r"\bshort[-\s]staffed\b|\bunderstaffed\b",
           r"\b(?:not\s+enough|more)\s+(?:staff|nurses|doctors|GPs)\b",
           r"\bstaff(?:ing)?\s+(?:shortages?|levels)\b"],
      yes=["they were short staffed", "need more nurses"], no=["staff were fine"],
      say=["the ward was short staffed", "we need more nurses", "not enough doctors at night"])
theme("MENTAL", "Mental health",
      inc=[r"\bmental\s+health\b", r"\b(?:anxiety|depression|counselling|therapy)\b"],
      yes=["mental health services"], no=["healthy"],
      say=["mental health services", "my anxiety", "counselling helped"])
theme("MENTAL-WAIT", "Waiting for mental health care", "MENTAL",
      inc=[r"\b(?:counselling|therapy|CAMHS|mental\s+health)\b[^.!?\n]{0,50}?\b(?:wait\w*|\d+\s+(?:weeks|months))\b",
           r"\bwait\w*\b[^.!?\n]{0,30}?\b(?:counselling|therapy|CAMHS)\b"],
      yes=["waited a year for counselling", "therapy took 9 months"], no=["therapy was good"],
      say=["waited {n} months for counselling", "therapy has a {n} month wait",
           "CAMHS wait is {n} weeks"])
theme("MENTAL-CRISIS", "Mental health crisis", "MENTAL",
      inc=[r"\bcrisis\s+(?:team|line|cafe|café)\b", r"\bsuicid\w*|\bself[-\s]harm\w*"],
      yes=["the crisis team never came", "self harm"], no=["cost of living crisis"],
      say=["the crisis team came out at night", "the crisis café in {place} is a lifeline"])
theme("MENTAL-YOUNG", "Young people's mental health", "MENTAL",
      inc=[r"\bCAMHS\b", r"\b(?:children|young\s+people|teenagers?)\b[^.!?\n]{0,30}?\bmental\s+health\b"],
      yes=["CAMHS is hopeless", "young people and mental health"], no=["cams"],
      say=["CAMHS turned my daughter away", "children with mental health problems"])
theme("MENTAL-DEMENTIA", "Dementia", "MENTAL",
      inc=[r"\bdementia\b|\balzheimer['’]?s\b", r"\bmemory\s+clinic\b"],
      yes=["my dad has dementia"], no=["memory stick"],
      say=["my dad has dementia", "the memory clinic at {place}"])

theme("MATERNITY", "Maternity",
      inc=[r"\bmaternity\b|\bpregnan\w*", r"\bmidwi(?:fe|ves)\b"],
      yes=["maternity ward"], no=["paternity"],
      say=["maternity services", "when I was pregnant", "the midwives"])
theme("MATERNITY-BIRTH", "Giving birth", "MATERNITY",
      inc=[r"\b(?:gave|give|giving)\s+birth\b", r"\blabour\s+ward\b|\bdelivery\s+suite\b"],
      exc=[r"\blabour\s+party\b"],
      yes=["I gave birth at Royal Stoke", "the labour ward"], no=["the labour party"],
      say=["I gave birth at {place}", "the labour ward was calm"])
theme("MATERNITY-POSTNATAL", "After the birth", "MATERNITY",
      inc=[r"\bpost[-\s]?natal\b", r"\bhealth\s+visitors?\b", r"\bbreast[-\s]?feed\w*"],
      yes=["postnatal care", "health visitor", "breastfeeding support"], no=["a visitor"],
      say=["postnatal care was rushed", "the health visitor came once",
           "no breastfeeding support at all"])
theme("PLANNED", "Planned care",
      inc=[r"\boperations?\b|\bsurgeons?\b", r"\boutpatients?\b"],
      yes=["my operation"], no=["operator"],
      say=["my operation", "outpatients"])
theme("PLANNED-WAIT", "Waiting for operations", "PLANNED",
      inc=[r"\bwaiting\s+lists?\b",
           r"\b(?:hip|knee|cataract|operation)s?\b[^.!?\n]{0,40}?\b\d+\s+(?:weeks|months|years)\b"],
      yes=["the waiting list is two years", "knee operation after 18 months"],
      no=["my knee hurts"],
      say=["the waiting list for my knee is {n} months", "hip operation after {n} months",
           "{n} months on the waiting list"])
theme("PLANNED-CANCEL", "Cancelled operations", "PLANNED",
      inc=[r"\b(?:operation|surgery|appointment)s?\s+(?:was\s+|were\s+|got\s+)?cancell?ed\b",
           r"\bcancell?ed\s+(?:twice|three\s+times|again|on\s+the\s+day)\b"],
      yes=["operation was cancelled", "cancelled on the day"], no=["I cancelled Netflix"],
      say=["my operation was cancelled twice", "appointment cancelled on the day"])
theme("PLANNED-CANCER", "Cancer care", "PLANNED",
      inc=[r"\bcancer\b|\bchemo(?:therapy)?\b|\bradiotherapy\b|\boncology\b"],
      yes=["cancer care was excellent"], no=["cancel"],
      say=["the cancer nurses were wonderful", "chemo at {place}"])
theme("PLANNED-SCANS", "Scans and tests", "PLANNED",
      inc=[r"\b(?:MRI|CT)\s+scans?\b", r"\bx[-\s]?rays?\b", r"\bblood\s+tests?\b"],
      yes=["waited for an MRI scan", "x-ray"], no=["extra"],
      say=["waited {n} weeks for an MRI scan", "blood tests at {place}", "the x-ray department"])

theme("ACCESS", "Getting there",
      inc=[r"\btravel\w*\b|\bjourney\b"],
      yes=["the journey"], no=["journal"],
      say=["the journey", "travelling"])
theme("ACCESS-PARKING", "Parking", "ACCESS",
      inc=[r"\b(?:car\s*)?park(?:ing)?\b[^.!?\n]{0,30}?\b(?:charges?|costs?|fees?|£\d+|spaces?)\b",
           r"\bparking\s+(?:is|was)\s+(?:a\s+)?(?:nightmare|impossible|terrible)\b"],
      exc=[r"\bparking\s+(?:is|was)\s+(?:fine|easy|free)\b"],
      yes=["parking charges are a disgrace", "parking was a nightmare"],
      no=["parking was easy"],
      say=["parking charges at {place} are a disgrace", "parking is a nightmare",
           "paid £{n} for parking spaces"])
theme("ACCESS-BUS", "Buses and transport", "ACCESS",
      inc=[r"\bbus(?:es)?\b", r"\bpatient\s+transport\b|\bhospital\s+transport\b"],
      exc=[r"\bbusiness\b"],
      yes=["no bus on Sunday", "patient transport"], no=["business"],
      say=["there is no bus from {place}", "patient transport came late", "two buses to get there"])
theme("ACCESS-DISTANCE", "Distance to services", "ACCESS",
      inc=[r"\btoo\s+far\b|\bmiles?\s+away\b", r"\b\d+\s+miles\b"],
      yes=["too far to travel", "30 miles"], no=["far better"],
      say=["it is {n} miles to {place}", "too far for older people"])
theme("ACCESS-DISABLED", "Disabled access", "ACCESS",
      inc=[r"\bwheel\s*chairs?\b", r"\bdisabled\s+(?:access|parking|toilets?)\b", r"\bramps?\b"],
      yes=["no wheelchair access", "disabled parking"], no=["disabled the alarm"],
      say=["no wheelchair space", "disabled parking is always full"])

theme("DIGITAL", "Technology",
      inc=[r"\btechnolog\w*|\bdigital\b", r"\binternet\b|\bonline\b"],
      yes=["online"], no=["on line six"],
      say=["online", "technology"])
theme("DIGITAL-VIDEO", "Video and phone appointments", "DIGITAL",
      inc=[r"\bvideo\s+(?:calls?|appointments?|consultations?)\b",
           r"\b(?:phone|telephone)\s+(?:appointments?|consultations?)\b"],
      yes=["a video call with the GP", "phone appointment"], no=["video games"],
      say=["a video call would save a trip", "phone appointments are fine for me"])
theme("DIGITAL-APPS", "Apps and online booking", "DIGITAL",
      inc=[r"\bapps?\b", r"\b(?:online|internet)\s+booking\b|\bbook\s+online\b"],
      yes=["the NHS app", "book online"], no=["apple"],
      say=["the NHS app is handy", "you should be able to book online"])
theme("DIGITAL-RECORDS", "Shared records", "DIGITAL",
      inc=[r"\brecords?\b[^.!?\n]{0,30}?\bshared?\b|\bshared?\b[^.!?\n]{0,30}?\brecords?\b",
           r"\b(?:repeat|tell)\w*\s+(?:my|the\s+same)\s+story\b"],
      yes=["share records between services", "tell the same story"], no=["record player"],
      say=["records should be shared between hospitals", "I had to repeat my story {n} times"])
theme("DIGITAL-EXCLUDED", "People without the internet", "DIGITAL",
      inc=[r"\b(?:don['’]?t|do\s+not|doesn['’]?t)\s+(?:have|use)\s+(?:a\s+)?(?:computer|smartphone|the\s+internet)\b",
           r"\bnot\s+everyone\s+(?:is|has)\s+online\b"],
      yes=["I don't have a computer", "not everyone is online"], no=["I have a computer"],
      say=["my mum doesn’t have a smartphone", "not everyone is online"])

theme("BUILD", "Buildings",
      inc=[r"\bbuildings?\b|\bpremises\b"],
      yes=["old buildings"], no=["builder"],
      say=["the building", "premises"])
theme("BUILD-COMMUNITY-HOSP", "Community hospitals", "BUILD",
      inc=[r"\bcommunity\s+hospitals?\b",
           r"\b(?:Bradwell|Cheadle|Leek\s+Moorlands|Longton|Haywood|Samuel\s+Johnson|Sir\s+Robert\s+Peel)\b"],
      yes=["keep the community hospitals", "Cheadle hospital"], no=["the community"],
      say=["keep the community hospital open", "Cheadle hospital should reopen",
           "the Haywood is underused"])
theme("BUILD-CLEAN", "Cleanliness", "BUILD",
      inc=[r"\b(?:dirty|filthy|unclean|grubby)\b", r"\b(?:toilets?|wards?)\s+(?:were|was)\s+(?:spotless|clean)\b"],
      exc=[r"\bdirty\s+look\b"],
      yes=["the toilets were filthy", "the ward was spotless"], no=["a dirty look"],
      say=["the toilets were filthy", "the ward was spotless", "the waiting room was dirty"])
theme("BUILD-CONDITION", "State of the buildings", "BUILD",
      inc=[r"\b(?:falling\s+apart|run[-\s]down|leaking|crumbling)\b", r"\bnot\s+fit\s+for\s+purpose\b"],
      yes=["the building is falling apart", "not fit for purpose"], no=["fit and well"],
      say=["the clinic is falling apart", "the building is not fit for purpose"])

theme("CARE", "Social care and integration",
      inc=[r"\bsocial\s+care\b|\bcare\s+homes?\b"],
      yes=["social care"], no=["careful"],
      say=["social care", "care homes"])
theme("CARE-DISCHARGE", "Leaving hospital", "CARE",
      inc=[r"\bdischarg\w*", r"\b(?:stuck|kept)\s+in\s+hospital\b"],
      yes=["discharge took all day", "stuck in hospital"], no=["charge"],
      say=["discharge took {n} hours", "stuck in hospital waiting for a care package"])
theme("CARE-JOINED-UP", "Joined-up care", "CARE",
      inc=[r"\bjoined[-\s]up\b|\bintegrat\w*", r"\b(?:talk|speak)\s+to\s+each\s+other\b"],
      yes=["joined up care", "services don't talk to each other"], no=["joined the gym"],
      say=["services do not talk to each other", "we need joined up care"])
theme("CARE-CARERS", "Unpaid carers", "CARE",
      inc=[r"\b(?:unpaid|family)\s+carers?\b", r"\bI\s+(?:am|['’]m)\s+(?:a|her|his)\s+carer\b",
           r"\brespite\b"],
      yes=["I am a carer", "respite care"], no=["she cares"],
      say=["I am a carer for my husband", "no respite for family carers"])
theme("CARE-HOMECARE", "Care at home", "CARE",
      inc=[r"\bhome\s+care\b|\bcare\s+package\b", r"\bcarers\s+(?:come|came|visit)\w*\b"],
      yes=["home care", "carers come four times a day"], no=["come home"],
      say=["the home care agency keeps changing", "carers come {n} times a day"])

theme("MONEY", "Money and resources",
      inc=[r"\bfunding\b|\bmoney\b|\bbudgets?\b"],
      yes=["more funding"], no=["honey"],
      say=["funding", "money"])
theme("MONEY-CUTS", "Cuts and closures", "MONEY",
      inc=[r"\bcuts?\b[^.!?\n]{0,20}?\b(?:services|beds|funding)\b", r"\b(?:closing|closure|closed)\b"],
      exc=[r"\bclosed\s+(?:on|at)\s+(?:sundays?|weekends?|\d)"],
      yes=["cuts to services", "the closure of the ward"], no=["closed on Sunday"],
      say=["stop the cuts to services", "the closure of beds at {place}"])
theme("MONEY-WASTE", "Waste", "MONEY",
      inc=[r"\bwast(?:e|ed|ing)\s+(?:of\s+)?(?:money|resources)\b", r"\bmanagers\b"],
      yes=["a waste of money", "too many managers"], no=["waste bin"],
      say=["a waste of money", "too many managers"])
theme("MONEY-PRIVATE", "Privatisation", "MONEY",
      inc=[r"\bprivati[sz]\w*", r"\bprivate\s+(?:companies|sector|firms)\b"],
      yes=["stop privatisation", "private companies"], no=["private road"],
      say=["stop privatisation of the NHS", "private companies making money"])

theme("COMMS", "Communication",
      inc=[r"\bcommunicat\w*", r"\b(?:nobody|no\s+one)\s+(?:told|explained)\b"],
      yes=["communication was poor", "nobody told us"], no=["community"],
      say=["communication was poor", "nobody told us anything"])
theme("COMMS-LETTERS", "Letters", "COMMS",
      inc=[r"\bletters?\b[^.!?\n]{0,30}?\b(?:late|after|never|lost|wrong)\b"],
      exc=[r"\bsee\s+attached\s+letter\b"],
      yes=["the letter came after the appointment"], no=["see attached letter"],
      say=["the letter arrived after the appointment", "letters go to the wrong address"])
theme("COMMS-INFO", "Information and Easy Read", "COMMS",
      inc=[r"\beasy\s+read\b", r"\b(?:leaflets?|information)\b[^.!?\n]{0,20}?\b(?:languages?|English)\b",
           r"\binterpreters?\b"],
      yes=["easy read letters", "an interpreter"], no=["read a book"],
      say=["letters in easy read please", "we needed an interpreter", "information in other languages"])

theme("PREVENT", "Staying healthy",
      inc=[r"\bprevent\w*", r"\bhealthy\s+(?:living|eating|lifestyle)\b"],
      yes=["prevention"], no=["event"],
      say=["prevention", "healthy living"])
theme("PREVENT-EXERCISE", "Exercise and weight", "PREVENT",
      inc=[r"\bexercis\w*|\bgym\b|\bleisure\s+cent(?:re|er)s?\b", r"\bweight\s+(?:loss|management)\b"],
      yes=["free gym", "weight loss"], no=["gymnastic"],
      say=["free gym sessions would help", "weight management classes"])
theme("PREVENT-SMOKING", "Smoking and drinking", "PREVENT",
      inc=[r"\bsmok(?:ing|ers?)\b|\bvap(?:ing|es?)\b", r"\balcohol\b|\bdrink(?:ing|ers?)\b"],
      yes=["stop smoking service", "alcohol"], no=["drinks machine"],
      say=["the stop smoking service helped me", "alcohol is a big problem"])
theme("PREVENT-LONELY", "Loneliness", "PREVENT",
      inc=[r"\blonel(?:y|iness)\b|\bisolat\w*", r"\bsocial\s+prescrib\w*"],
      yes=["older people are lonely", "social prescribing"], no=["isotope"],
      say=["my neighbour is lonely", "social prescribing got me out"])

theme("PRAISE", "General praise",
      inc=[r"\b(?:thank\s+you|thanks)\b", r"\b(?:excellent|fantastic|outstanding)\s+(?:care|service)\b",
           r"\bNHS\b[^.!?\n]{0,20}?\b(?:best|brilliant)\b"],
      exc=[r"\bno\s+thanks\b"],
      yes=["thank you NHS", "excellent care"], no=["no thanks"],
      say=["thank you to everyone", "excellent care from start to finish",
           "the NHS is the best in the world"])
theme("URGENT-WAITING", "Waiting in urgent care", "URGENT", questions=["UEC-WELL", "UEC-BETTER"],
      inc=[r"\bwait(?:s|ed|ing)?\b|\bqueu\w*"],
      exc=[NO_WAIT],
      yes=["waiting too long"], no=["we did not have to wait"],
      say=["waiting times", "the queue was long"])

# More patterns for the themes above: spellings, other wordings, exclusions.
MORE = {
    "URGENT": ([r"\bED\b", r"\burgent\s+(?:care|treatment)\s+cent(?:re|er)s?\b"], []),
    "URGENT-AE-WAIT": ([r"\b(?:4|four|12|twelve)[-\s]hours?\s+(?:target|wait)\b"], []),
    "URGENT-AMBULANCE": ([r"\bhandovers?\b"], [r"\bhandover\s+(?:of|to)\s+the\s+keys\b"]),
    "URGENT-111": ([r"\bone[-\s]one[-\s]one\b"], [r"\broom\s+111\b"]),
    "URGENT-MIU": ([r"\bMIUs?\b", r"\bwalk[-\s]?in\s+clinics?\b"], []),
    "GP": ([r"\bfamily\s+doctors?\b"], []),
    "GP-APPOINTMENTS": ([r"\bappts?\b[^.!?\n]{0,30}?\bweeks?\b"], []),
    "GP-PHONE": ([r"\bgetting\s+through\b"], [r"\bgetting\s+through\s+(?:the|it)\b"]),
    "GP-RECEPTION": ([r"\bgate[-\s]?keep\w*"], []),
    "GP-CONTINUITY": ([r"\b(?:different|new)\s+(?:GP|doctor)\s+(?:each|every)\s+time\b"], []),
    "GP-PHARMACY": ([r"\bmedicines?\b[^.!?\n]{0,20}?\b(?:late|wrong|missing)\b"], []),
    "STAFF": ([r"\bworkforce\b"], []),
    "STAFF-KIND": ([r"\bwent\s+(?:above\s+and\s+beyond|the\s+extra\s+mile)\b",
                    r"\bangels?\b"], [r"\bangel\s+delight\b"]),
    "STAFF-RUDE": ([r"\bfobbed\s+off\b", r"\btreated\s+(?:me\s+)?like\s+(?:a|an)\s+(?:number|idiot|child)\b"],
                   [r"\bnot\s+rude\b"]),
    "STAFF-SHORTAGE": ([r"\b(?:overworked|exhausted|run\s+ragged)\b"], []),
    "MENTAL": ([r"\bpsychiatr\w*", r"\bwell[-\s]?being\b"], []),
    "MENTAL-WAIT": ([r"\bIAPT\b[^.!?\n]{0,40}?\bwait\w*"], []),
    "MENTAL-CRISIS": ([r"\bsectioned\b", r"\bsafe\s+haven\b"], [r"\bcrisis\s+line\s+(?:number|leaflet)\b"]),
    "MENTAL-YOUNG": ([r"\bschool\s+counsell?ors?\b"], []),
    "MENTAL-DEMENTIA": ([r"\bmemory\s+(?:loss|problems)\b"], []),
    "MATERNITY": ([r"\bante[-\s]?natal\b", r"\bnewborn\b|\bneonatal\b"], []),
    "MATERNITY-BIRTH": ([r"\bc[-\s]?section\b|\bcaesarean\b", r"\b(?:induced|induction)\b"],
                        [r"\binduction\s+(?:day|week|course)\b"]),
    "MATERNITY-POSTNATAL": ([r"\bafter\s+(?:the\s+)?birth\b"], []),
    "PLANNED": ([r"\bplanned\s+care\b|\belective\b"], []),
    "PLANNED-WAIT": ([r"\breferr(?:al|ed)\b[^.!?\n]{0,40}?\b(?:weeks|months)\b"], []),
    "PLANNED-CANCEL": ([r"\bpostponed\b"], []),
    "PLANNED-CANCER": ([r"\b(?:two|2)[-\s]week\s+(?:wait|referral)\b", r"\bMacmillan\b"], []),
    "PLANNED-SCANS": ([r"\bultrasound\b|\bmammogram\b", r"\bscan\s+results?\b"], []),
    "ACCESS": ([r"\bgetting\s+there\b"], [r"\bgetting\s+there\s+(?:slowly|in\s+the\s+end)\b"]),
    "ACCESS-PARKING": ([r"\bparking\s+(?:fines?|tickets?|machines?)\b", r"\bblue\s+badge\b"], []),
    "ACCESS-BUS": ([r"\btaxis?\b", r"\bdial[-\s]a[-\s]ride\b"], [r"\btaxi\s+rank\b"]),
    "ACCESS-DISTANCE": ([r"\b(?:round|return)\s+trip\b", r"\ban\s+hour\s+each\s+way\b"], []),
    "ACCESS-DISABLED": ([r"\bhearing\s+loops?\b", r"\bchanging\s+places\b"], []),
    "DIGITAL": ([r"\bcomputers?\b|\bsmart\s*phones?\b"], []),
    "DIGITAL-VIDEO": ([r"\bskype\b|\bzoom\b|\bfacetime\b"], [r"\bzoom\s+in\b"]),
    "DIGITAL-APPS": ([r"\bwebsite\b", r"\be[-\s]?consult\b"], []),
    "DIGITAL-RECORDS": ([r"\bcare\s+records?\b", r"\bnotes\s+(?:were\s+)?lost\b"], []),
    "DIGITAL-EXCLUDED": ([r"\bdigital\s+(?:exclusion|divide|skills)\b"], []),
    "BUILD": ([r"\bestates?\b"], [r"\bhousing\s+estates?\b"]),
    "BUILD-COMMUNITY-HOSP": ([r"\bcottage\s+hospitals?\b"], []),
    "BUILD-CLEAN": ([r"\bhygien\w*", r"\bsmelt\s+of\b"], [r"\bhand\s+hygiene\s+poster\b"]),
    "BUILD-CONDITION": ([r"\bportakabins?\b|\bportacabins?\b", r"\btoo\s+(?:hot|cold)\b"], []),
    "CARE": ([r"\bcouncil\b"], [r"\bcouncil\s+tax\b"]),
    "CARE-DISCHARGE": ([r"\bbed\s+blocking\b", r"\bmedically\s+fit\b"], []),
    "CARE-JOINED-UP": ([r"\bsilos?\b", r"\bone\s+(?:team|service|number)\b"], []),
    "CARE-CARERS": ([r"\bcarer['’]?s\s+(?:allowance|assessment)\b"], []),
    "CARE-HOMECARE": ([r"\bdomiciliary\b"], []),
    "MONEY": ([r"\bunderfunded\b|\bausterity\b"], []),
    "MONEY-CUTS": ([r"\bdowngrad\w*"], []),
    "MONEY-WASTE": ([r"\bred\s+tape\b|\bbureaucra\w*"], []),
    "MONEY-PRIVATE": ([r"\bfor\s+profit\b"], []),
    "COMMS": ([r"\bkept\s+in\s+the\s+dark\b"], []),
    "COMMS-LETTERS": ([r"\bwrong\s+address\b"], []),
    "COMMS-INFO": ([r"\bjargon\b", r"\bBSL\b|\bsign\s+language\b"], []),
    "PREVENT": ([r"\bpublic\s+health\b"], []),
    "PREVENT-EXERCISE": ([r"\bwalking\s+groups?\b", r"\bobes\w*"], []),
    "PREVENT-SMOKING": ([r"\bstop\s+smoking\b"], [r"\bno\s+smoking\s+sign\b"]),
    "PREVENT-LONELY": ([r"\bbefriend\w*", r"\bon\s+my\s+own\b"], []),
    "PRAISE": ([r"\bgrateful\b", r"\bfirst[-\s]class\b"], []),
    "URGENT-WAITING": ([r"\bhours?\s+to\s+be\s+seen\b"], []),
}
for _t in T:
    _inc, _exc = MORE.get(_t["code"], ([], []))
    _t["inc"] += _inc
    _t["exc"] += _exc

FILLER = [
    "I have lived in {town} all my life", "My husband and I are both retired",
    "This is just my opinion", "I work in a school", "Overall it was okay",
    "We moved here {n} years ago", "It depends on the day", "I am writing this for my mother",
    "Things have got worse over the years", "I have a long-term condition",
    "My children are grown up now", "I hope someone reads this",
    "Last winter was the worst", "It was a Tuesday afternoon", "The weather did not help",
    "I don’t know what the answer is", "Keep up the good work", "See attached letter",
    "Nothing else to add", "My neighbour said the same", "We waited in the car",
    "The waiting room was warm", "The staff car park was full", "I parked outside",
    "My appointment letter was clear", "There was no wait at all on a Sunday",
    "Parking was easy this time", "The nurses were not kind to the porter",
    "The business park bus stop", "The cost of living crisis", "I cancelled my gym",
    "My record shows nothing", "He gave up smoking years ago",
]
NEAR = ["weight", "waiter", "parkland", "careful", "busy", "opera", "signed", "application",
        "apple", "gym bag", "record player", "labour party", "the 111th day", "stage 4",
        "ED", "Ed Sheeran", "O’Connor", "a&e", "A & B", "emergence"]
TOWNS = ["Stoke", "Stafford", "Burton", "Lichfield", "Tamworth", "Leek", "Cannock",
         "Newcastle-under-Lyme", "Cheadle", "Uttoxeter", "Stone", "Biddulph", "Kidsgrove",
         "Wombourne", "Codsall", "Rugeley"]
PLACES = ["Royal Stoke", "County Hospital", "Queen’s Hospital", "Samuel Johnson",
          "Sir Robert Peel", "the Haywood", "Leek Moorlands", "Cannock Chase Hospital",
          "Bradwell", "Longton"]
NAMES = ["Zoë", "Chloé", "Siân", "Łukasz", "Renée", "José", "Bronwen", "Aoife", "Fatima",
         "Mehmet", "Gwenllian", "Dafydd", "Noémie", "Jürgen", "Søren"]
OTHER_SCRIPTS = ["شكرا جزيلا", "धन्यवाद", "ਧੰਨਵਾਦ", "dziękuję bardzo", "благодаря",
                 "谢谢", "Ευχαριστώ", "teşekkürler"]
EMOJI = ["😊", "👍", "❤️", "😡", "🙏", "👏🏽", "😢"]


def fill(rnd, s):
    return (s.replace("{n}", str(rnd.choice([2, 3, 4, 6, 8, 9, 12, 14, 18, 20, 30, 40])))
            .replace("{place}", rnd.choice(PLACES)).replace("{town}", rnd.choice(TOWNS)))


def decorate(rnd, s):
    """Non-ASCII and case variation, as people type."""
    r = rnd.random()
    if r < 0.10:
        s = s.replace("'", "’").replace("do not", "don’t").replace("did not", "didn’t")
    elif r < 0.14:
        s = "“" + s + "”"
    elif r < 0.17:
        s = s.upper()
    elif r < 0.20:
        s = s + " " + rnd.choice(EMOJI)
    elif r < 0.23:
        s = rnd.choice(NAMES) + " says " + s
    elif r < 0.24:
        s = s + " – " + rnd.choice(OTHER_SCRIPTS)
    elif r < 0.26:
        s = s + " … " + rnd.choice(NEAR)
    return s[0].upper() + s[1:] if s and s[0].islower() else s


def free_text(rnd, lo, hi):
    # Like real answers: most are short, a few run long (mean about a third of the way).
    target = lo + int((hi - lo) * rnd.random() ** 2)
    parts = []
    length = 0
    while length < target:
        r = rnd.random()
        if r < 0.18:
            s = fill(rnd, rnd.choice(rnd.choice(T)["say"]))
        elif r < 0.24:
            t = rnd.choice(T)
            s = rnd.choice(t["no"] + t["yes"])
        elif r < 0.90:
            s = fill(rnd, rnd.choice(FILLER))
        else:
            s = rnd.choice(NEAR) + " " + fill(rnd, rnd.choice(FILLER)).lower()
        s = decorate(rnd, s)
        parts.append(s + rnd.choice([". ", ". ", "! ", "\n", ", and "]))
        length += len(parts[-1])
    text = "".join(parts).strip()
    if len(text) > hi:
        text = text[:hi].rstrip()
    return text


# ---------------------------------------------------------------------------
# Exports


def load_postcodes():
    by = {}
    with open(os.path.join(SAMPLES, "postcodes", "staffs-postcodes.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            by.setdefault(row["oslaua"], []).append(row["pcds"])
    return by


def load_exercise():
    root = ET.parse(os.path.join(SAMPLES, "exercise-2019.xml")).getroot()
    districts = [d.get("code") for d in root.iter("district")]
    events = [e.get("code") for e in root.iter("event")]
    return districts, events


MAPS = {
    "online": """<mapping exercise="twb-2019" form="standard" channel="online" dates="iso">
  <response-id field="Response ID" required="true" prefix="bench"/>
  <submitted field="Submitted"/>
  <postcode field="Postcode"/>
  <question code="POSTCODE" field="Postcode"/>
  <question code="UEC-WELL" field="Urgent care: what works well"/>
  <question code="UEC-BETTER" field="Urgent care: what could be better"/>
  <question code="MH-BETTER" field="Mental health: what could be better"/>
  <question code="PRIORITIES" field="Priorities"/>
  <question code="OTHER" field="Anything else"/>
  <question code="UEC-SAT" field="Satisfaction"/>
  <question code="SERVICES" field="Services used" separator=", "/>
  <question code="AGE" field="Age"/>
</mapping>
""",
    "paper": """<mapping exercise="twb-2019" form="standard" channel="paper" dates="dd/mm/yyyy">
  <serial field="Serial"/>
  <event field="Event"/>
  <submitted field="Date on form"/>
  <postcode field="Postcode"/>
  <question code="UEC-BETTER" field="Q4 Urgent care - could be better"/>
  <question code="COMM-BETTER" field="Q7 Community - could be better"/>
  <question code="MAT-BETTER" field="Q9 Maternity - could be better"/>
  <question code="OTHER" field="Q21 Anything else"/>
  <question code="AGE" field="Age"/>
</mapping>
""",
    "event-card": """<mapping exercise="twb-2019" form="standard" channel="event-card">
  <serial field="Card"/>
  <event field="Event"/>
  <question code="PRIORITIES" field="What matters most"/>
  <question code="OTHER" field="Comment"/>
</mapping>
""",
    "easy-read": """<mapping exercise="twb-2019" form="easy-read" channel="easy-read-paper">
  <serial field="Serial"/>
  <event field="Event"/>
  <question code="ER-HELP-BETTER" field="What could be better"/>
  <question code="ER-MIND" field="Help for your mind"/>
  <question code="ER-ANYTHING" field="Anything else"/>
</mapping>
""",
}

HEADERS = {
    "online": ["Response ID", "Submitted", "Postcode", "Urgent care: what works well",
               "Urgent care: what could be better", "Mental health: what could be better",
               "Priorities", "Anything else", "Satisfaction", "Services used", "Age"],
    "paper": ["Serial", "Event", "Date on form", "Postcode", "Q4 Urgent care - could be better",
              "Q7 Community - could be better", "Q9 Maternity - could be better",
              "Q21 Anything else", "Age"],
    "event-card": ["Card", "Event", "What matters most", "Comment"],
    "easy-read": ["Serial", "Event", "What could be better", "Help for your mind",
                  "Anything else"],
}
FREE = {"online": [3, 4, 5, 6, 7], "paper": [4, 5, 6, 7], "event-card": [2, 3],
        "easy-read": [2, 3, 4]}
SHARE = [("online", 0.55), ("paper", 0.20), ("event-card", 0.15), ("easy-read", 0.10)]
SAT = ["Very satisfied", "Satisfied", "Neither satisfied nor dissatisfied", "Dissatisfied",
       "Very dissatisfied", ""]
SERVICES = ["GP practice", "Pharmacy", "NHS 111", "Community hospital", "Mental health services"]
AGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75 or over", ""]


def exports(n, out):
    rnd = random.Random(2019)
    postcodes = load_postcodes()
    districts, events = load_exercise()
    os.makedirs(out, exist_ok=True)
    counts = {}
    left = n
    for i, (name, share) in enumerate(SHARE):
        counts[name] = left if i == len(SHARE) - 1 else int(n * share)
        left -= counts[name]
    for name, _ in SHARE:
        with open(os.path.join(out, name + ".map.xml"), "w", encoding="utf-8") as fh:
            fh.write('<?xml version="1.0" encoding="UTF-8"?>\n' + MAPS[name])
        with open(os.path.join(out, name + ".csv"), "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(HEADERS[name])
            short = name in ("easy-read", "event-card")
            for i in range(counts[name]):
                row = [""] * len(HEADERS[name])
                cols = rnd.sample(FREE[name], 2 if rnd.random() < 0.1 else 1)
                for c in cols:
                    row[c] = free_text(rnd, 20, 200 if short else 600)
                day = f"2019-{rnd.randint(6, 8):02d}-{rnd.randint(1, 25):02d}"
                district = districts[i % len(districts)]
                if name == "online":
                    row[0] = f"R{i}"
                    row[1] = day + f" {rnd.randint(8, 22):02d}:{rnd.randint(0, 59):02d}:00"
                    row[2] = rnd.choice(postcodes[district])
                    row[8] = rnd.choice(SAT)
                    row[9] = ", ".join(rnd.sample(SERVICES, rnd.randint(0, 3)))
                    row[10] = rnd.choice(AGES)
                elif name == "paper":
                    row[0] = f"P{i:07d}"
                    row[1] = rnd.choice(events) if rnd.random() < 0.5 else ""
                    row[2] = f"{day[8:10]}/{day[5:7]}/{day[0:4]}"
                    row[3] = rnd.choice(postcodes[district])
                    row[8] = rnd.choice(AGES)
                else:
                    row[0] = ("C" if name == "event-card" else "E") + f"{i:07d}"
                    row[1] = rnd.choice(events)
                w.writerow(row)


# ---------------------------------------------------------------------------
# Rules


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def rules(path):
    sensitive = {r"\bCAMHS\b", r"\b(?:MRI|CT)\s+scans?\b", r"\bED\b", r"\bBSL\b|\bsign\s+language\b"}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             "<!-- The benchmark rule set, written by bench/gen.py (option \"rules\"): edit that, not this.",
             f"     {len(T)} themes under {sum(1 for t in T if not t['parent'])} main ones, "
             f"{sum(len(t['inc']) + len(t['exc']) for t in T)} patterns, in the style of",
             "     samples/rules/twb-2019.rules.xml. The patterns read the same in PCRE2 and",
             "     in Python's re, so bench/py_tag.py can apply them too. -->",
             '<rules exercise="twb-2019">', "  <title>Benchmark themes</title>"]
    for t in T:
        attrs = f'code="{t["code"]}" label="{esc(t["label"])}"'
        if t["parent"]:
            attrs += f' parent="{t["parent"]}"'
        lines.append(f"  <theme {attrs}>")
        if t["questions"]:
            lines.append(f'    <questions>{" ".join(t["questions"])}</questions>')
        for p in t["inc"]:
            case = ' case="sensitive"' if p in sensitive else ""
            lines.append(f"    <include{case}><![CDATA[{p}]]></include>")
        for p in t["exc"]:
            lines.append(f"    <exclude><![CDATA[{p}]]></exclude>")
        for x in t["yes"]:
            lines.append(f'    <example match="true">{esc(x)}</example>')
        for x in t["no"]:
            lines.append(f'    <example match="false">{esc(x)}</example>')
        lines.append("  </theme>")
    lines.append("</rules>")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--rules":
        rules(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1].isdigit():
        exports(int(sys.argv[1]), sys.argv[2])
    else:
        sys.exit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main()
