#!/usr/bin/env python3
"""Write the bundled sample survey exports in samples/exports/ and check them.

usage: tools/make_samples.py [--check] [--out DIR] [--root DIR]

  (no option)  write every sample export and its mapping, then check them all
  --check      only check the files already in the output folder
  --out DIR    the output folder (default: samples/exports under the root)
  --root DIR   the repository root (default: the folder above this script)

The exports imitate what real survey tools write (Google Forms, SurveyMonkey,
SmartSurvey, KoboToolbox/ODK, LimeSurvey, and officers' own spreadsheets) for
the 2019 exercise in samples/exercise-2019.xml. Python's standard library
only, no network, fixed seeds: the same Python writes the same bytes.

Everything in them is made up for this project. People and answers are
fictional; e-mail addresses use example.com and example.org; phone numbers
are in Ofcom's ranges kept for drama (07700 900xxx, 01632 960xxx,
0121 496 0xxx, 020 7946 0xxx); NHS numbers are in the 999 range that is
never issued, with valid modulus-11 check digits; IP addresses are in the
documentation ranges. Full postcodes come from the area's lookup in
samples/postcodes/ (Code-Point Open, Open Government Licence).

The checker re-reads every output with csv, zipfile and xml.etree, resolves
each field through its mapping against the exercise, and prints per-file and
per-district counts. It exits 1 when anything does not resolve.
"""

import argparse
import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path
from random import Random

SEED = 20190603
OPENS = dt.date(2019, 6, 3)
CLOSES = dt.date(2019, 8, 25)

# ---------------------------------------------------------------------------
# The exercise and the postcode lookup
# ---------------------------------------------------------------------------


class Question:
    def __init__(self, el, form):
        self.code = el.get('code')
        self.type = el.get('type')
        self.form = form
        self.text = ' '.join(el.findtext('text', '').split())
        self.maps_to = el.get('maps-to')
        self.min = int(el.get('min')) if el.get('min') else None
        self.max = int(el.get('max')) if el.get('max') else None
        self.options = [(o.get('code'), ' '.join((o.text or '').split()))
                        for o in el.findall('option')]

    def label(self, code):
        for c, lab in self.options:
            if c == code:
                return lab
        raise KeyError(f'{self.code}: no option {code}')

    @property
    def codes(self):
        return [c for c, _ in self.options]


class Exercise:
    def __init__(self, path):
        root = ET.parse(path).getroot()
        self.code = root.get('code')
        self.districts = {d.get('code'): d.text.strip()
                          for d in root.find('districts')}
        self.events = {}
        for e in root.find('events'):
            self.events[e.get('code')] = {
                'kind': e.get('kind'),
                'district': e.get('district'),
                'date': dt.date.fromisoformat(e.get('date')),
                'title': e.findtext('title').strip(),
            }
        self.forms = {}
        self.order = {}
        for qn in root.findall('questionnaire'):
            variant = qn.get('variant')
            qs = [Question(q, variant) for q in qn.findall('question')]
            self.forms[variant] = {q.code: q for q in qs}
            self.order[variant] = [q.code for q in qs]

    def q(self, code, form='standard'):
        return self.forms[form][code]


def norm_postcode(s):
    """'  st5 0bg' -> 'ST5 0BG'; 'st7' -> 'ST7'; '' for no postcode shape."""
    t = re.sub(r'\s+', '', s or '').upper()
    if re.fullmatch(r'[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}', t):
        return t[:-3] + ' ' + t[-3:]
    if re.fullmatch(r'[A-Z]{1,2}[0-9][0-9A-Z]?', t):
        return t
    return ''


class Places:
    def __init__(self, root):
        self.full = {}
        self.by_district = {}
        with open(root / 'samples/postcodes/staffs-postcodes.csv', encoding='utf-8') as fh:
            for row in csv.DictReader(fh):
                pc = norm_postcode(row['pcds'])
                self.full[pc] = row['oslaua']
                self.by_district.setdefault(row['oslaua'], []).append(pc)
        self.shares = {}
        with open(root / 'samples/postcodes/outward-shares.csv', encoding='utf-8') as fh:
            for row in csv.DictReader(fh):
                self.shares.setdefault(row['outward_code'], []).append(
                    (row['lad_code'], int(row['postcode_units']), float(row['share'])))
        self.outward_for = {}
        for out, rows in sorted(self.shares.items()):
            for lad, units, _share in rows:
                self.outward_for.setdefault(lad, []).append((out, units))


# ---------------------------------------------------------------------------
# Words: what people say to a listening exercise
# ---------------------------------------------------------------------------

DISTRICT_TOWNS = {
    'E07000192': ['Cannock', 'Hednesford', 'Rugeley', 'Heath Hayes', 'Norton Canes', 'Chadsmoor'],
    'E07000193': ['Burton', 'Uttoxeter', 'Barton-under-Needwood', 'Stretton', 'Tutbury', 'Winshill'],
    'E07000194': ['Lichfield', 'Burntwood', 'Armitage', 'Fradley', 'Whittington', 'Shenstone'],
    'E07000195': ['Newcastle', 'Kidsgrove', 'Audley', 'Silverdale', 'Madeley', 'Talke', 'Wolstanton'],
    'E07000196': ['Codsall', 'Wombourne', 'Perton', 'Penkridge', 'Kinver', 'Cheslyn Hay', 'Great Wyrley', 'Brewood'],
    'E07000197': ['Stafford', 'Stone', 'Eccleshall', 'Gnosall', 'Hixon', 'Weston'],
    'E07000198': ['Leek', 'Cheadle', 'Biddulph', 'Werrington', 'Cheddleton', 'Kingsley', 'Alton'],
    'E07000199': ['Tamworth', 'Wilnecote', 'Glascote', 'Amington', 'Fazeley', 'Belgrave'],
    'E06000021': ['Hanley', 'Longton', 'Tunstall', 'Burslem', 'Meir', 'Bentilee', 'Fenton', 'Stoke', 'Abbey Hulton', 'Trentham', 'Smallthorne', 'Blurton'],
}

# The acute hospitals people from each district actually use.
DISTRICT_ACUTE = {
    'E07000192': ['County Hospital', 'Stafford hospital', 'New Cross', 'Walsall Manor', 'Royal Stoke'],
    'E07000193': ["Queen's in Burton", 'Queens Burton', "Queen's Hospital", 'Derby'],
    'E07000194': ['Good Hope', "Queen's in Burton", 'Royal Stoke', 'Samuel Johnson'],
    'E07000195': ['Royal Stoke', 'the Royal Stoke', 'UHNM', 'Royal Stoke University Hospital'],
    'E07000196': ['New Cross', 'County Hospital', 'Walsall Manor', 'Russells Hall'],
    'E07000197': ['County Hospital', 'Stafford hospital', 'the County', 'Royal Stoke'],
    'E07000198': ['Royal Stoke', 'the Royal Stoke', 'Macclesfield', 'Royal Stoke University Hospital'],
    'E07000199': ['Good Hope', 'Sir Robert Peel', "Queen's in Burton", 'George Eliot'],
    'E06000021': ['Royal Stoke', 'the Royal Stoke', 'UHNM', 'the City General (sorry, Royal Stoke)', 'Royal Stoke University Hospital'],
}

DISTRICT_CH = {
    'E07000195': ['Bradwell', 'Bradwell Hospital'],
    'E07000198': ['Leek Moorlands', 'Cheadle', 'Leek Moorlands Hospital', 'Cheadle Hospital', 'the Moorlands hospital'],
    'E06000021': ['Longton Cottage', 'Haywood', 'the Haywood', 'Longton Cottage Hospital'],
    'E07000194': ['Samuel Johnson', 'the Samuel Johnson', 'Samuel Johnson in Lichfield'],
    'E07000199': ['Sir Robert Peel', 'the Sir Robert Peel', 'Sir Robert Peel in Tamworth'],
}
ALL_CH = ['Bradwell', 'Cheadle', 'Leek Moorlands', 'Longton Cottage', 'Haywood',
          'Samuel Johnson', 'Sir Robert Peel']

SLOTS = {
    'ae': ['A&E', 'A&E', 'A&E', 'A&E', 'A and E', 'A+E', 'casualty', 'ED', 'a&e', 'A & E',
           'the emergency department', 'Accident and Emergency', 'A&E', 'A and E'],
    'miu': ['the Haywood walk-in centre', 'Leek minor injuries', 'Cannock MIU',
            'the Samuel Johnson MIU', 'Sir Robert Peel minor injuries', 'the walk-in centre in Hanley',
            'Cannock Chase Hospital minor injuries', 'the minor injuries unit'],
    'hours': ['4', '5', '6', '7', '8', '9', '11', '13', '5 and a half', 'nearly 10', '14', '6'],
    'relative': ['my mum', 'my dad', 'my husband', 'my wife', 'my nan', 'my grandad', 'my son',
                 'my daughter', 'my partner', 'my neighbour', 'my mother-in-law',
                 'my 90 year old dad', 'my elderly mother', 'my little boy', 'my brother'],
    'gp': ['my GP surgery', 'our surgery', 'the doctors', 'my doctors', 'our practice',
           'the medical centre', 'my GP', 'the surgery in {town}', 'our health centre'],
    'price': ['£3.50', '£4', '£2.80', '£5.40', '£9', '£12', '£3.50', '£6.50'],
    'weeks': ['3', '4', '6', '8', '10', '12', '16', '5', '7'],
    'months': ['6', '8', '9', '11', '14', '18', '7', '10'],
    'bus': ['the 101', 'the number 18', 'the 4A', 'the 32', 'the 9', 'bus 101', 'the X1', 'the 16'],
    'ward': ['12', '7B', '106', '4', '214', '23', '12', '8'],
    'staff': ['nurses', 'doctors', 'paramedics', 'porters', 'receptionists',
              'healthcare assistants', 'cleaners', 'physios'],
    'road': ['the A500', 'the A50', 'the M6', 'the A34', 'the A38', 'the A5', 'the A53'],
}

UEC_WELL = [
    "NHS 111 were really helpful when {relative} was poorly at 2am, they got an ambulance out quickly.",
    "The paramedics who came out to {relative} were brilliant, calm and kind.",
    "The staff at County Hospital were brilliant, even though they were clearly run off their feet.",
    "The staff at {acute} were brilliant.",
    "Once you are actually seen in {ae} the care is excellent.",
    "The walk-in centre is a godsend, in and out in under an hour.",
    "{miu} is brilliant, in and out in an hour with a dressing and a tetanus jab.",
    "111 online is quick and you don't have to sit on hold.",
    "Being able to get an out of hours GP appointment through 111.",
    "Minor injuries at {miu} sorted my son's broken wrist with no fuss.",
    "The triage nurse in {ae} was lovely and explained everything.",
    "!Ambulance came in 10 minutes when my husband had his heart attack. Can't fault them.",
    "The doctors and nurses. Not the system, the people.",
    "I was seen within the 4 hours in {ae} at {acute} on a Tuesday morning, no complaints.",
    "The pharmacist at our local chemist sorted my eye infection so I didn't need to see a GP.",
    "When you get through to 111 the call handlers are very patient with my mum, who is deaf.",
    "The children's {ae} at Royal Stoke is separate and much calmer for kids.",
    "!The stroke team at Royal Stoke saved my dad's life, amazing from the moment we arrived.",
    "Having a minor injuries unit in {town} means you don't have to trek to Stoke.",
    "Staff go above and beyond. The tea lady on the assessment unit deserves a medal!",
    "The out of hours doctor rang back within the hour and sent a prescription to the late night chemist.",
    "!I rang 999 and the call handler talked me through CPR until the crew arrived. Forever grateful.",
    "The frailty team at County Hospital got my nan home the same day instead of admitting her.",
    "Quick X-ray and plaster at {miu}, the radiographer was really friendly.",
    "Ward {ward} were fantastic with my mother, who has dementia.",
    "When it's a real emergency they are fantastic, it's the waiting for everything else that's the problem.",
    "The mental health liaison nurse in {ae} at 3am was very understanding.",
    "Good signposting from 111 to the pharmacy for minor things.",
    "The café at Royal Stoke is open late, which helps when you're waiting with someone.",
    "The {staff} work so hard, credit to them.",
    "Urgent care centre at Royal Stoke – seen by a GP in 40 minutes rather than waiting in {ae}.",
    "!The air ambulance and the trauma team when my son came off his motorbike on {road}.",
    "Same-day emergency clinic meant I didn't have to be admitted overnight.",
    "!Everyone was kind to my autistic daughter and found us a quiet room.",
    "Honestly the chest pain pathway was quick: ECG, bloods, seen by a doctor within 2 hours.",
    "111 booked me a slot at the walk-in centre so I didn't have to queue.",
]

UEC_BETTER = [
    "Waiting times in {ae}. We waited {hours} hours at {acute} with {relative} on a trolley in the corridor.",
    "{ae} waits are ridiculous, {hours} hours to be seen with a suspected broken ankle.",
    "Waited {hours} hours in {ae} at {acute} and was told to come back in the morning.",
    "!The ambulance took over {hours} hours to come for my 87 year old neighbour who had fallen. She was on the floor all that time.",
    "Ambulances queuing outside Royal Stoke because there are no beds, that's the real problem.",
    "111 just tell you to go to {ae} every time, so what's the point?",
    "111 kept me on hold for 40 minutes and the call back was another 3 hours.",
    "Parking at Royal Stoke is a nightmare and costs a fortune when you're there all night. {price} for a few hours is daylight robbery.",
    "More staff. Everyone is stretched to breaking point.",
    "People go to {ae} for things that aren't emergencies because they can't get a GP appointment.",
    "Keep {miu} open in the evenings, not just 9 to 5.",
    "I was sent home from {acute} too soon and ended up back in two days later.",
    "!Dad was discharged at 11pm with no way of getting home. He's 84.",
    "Better signs telling you where to go – {ae}, urgent care, walk-in, minor injuries – it's confusing.",
    "Communication. Nobody told us what was happening for 6 hours.",
    "{Acute} is always packed, you can't even get a seat in the waiting area.",
    "Waited {hours} hours for a bed on a ward after being admitted.",
    "The walk-in centre shut at 8pm so we had no choice but casualty.",
    "Stop cutting things. Leek MIU hours were reduced and now we have to travel to Stoke.",
    "The buses to Royal Stoke from {town} are hopeless, especially in the evening. How are you supposed to get home after {ae}?",
    "Too many people misusing {ae} for coughs and colds.",
    "Mental health patients are left in {ae} for days waiting for a bed – not fair on them or the staff.",
    "Put GPs in {ae} to see the minor stuff.",
    "Food and drink for people waiting hours. The vending machine was broken and the café shut at 8.",
    "Frail old people should not be waiting on trolleys overnight.",
    "Pay the nurses properly so they stay.",
    "Waiting 4 hours in A&E is fine if you're not seriously ill, it's the 12 hour waits that are scary.",
    "Handover from the ambulance took two and a half hours, the crew were stuck with us.",
    "Out of hours doctor took 8 hours to ring back about my baby's temperature.",
    "The discharge lounge is a joke, waited all day for tablets to take home.",
    "Reception in ED were rude and dismissive.",
    "!My 15 year old waited 9 hours in {ae} with a head injury. Not acceptable.",
    "{ae} at {acute} was filthy, blood on the floor of the cubicle.",
    "There needs to be somewhere between the GP and {ae} that is open at night.",
    "Telling us to use the walk-in centre and then closing it at weekends.",
    "Staff shortages, you can see it in their faces.",
    "Being sent home too soon, without a care package, and then readmitted.",
    "Traffic on {road} makes getting to {acute} in an emergency a worry.",
]

COMM_WELL = [
    "{gp} is brilliant, they rang me back the same day.",
    "My GP surgery rang me back the same day and the doctor sorted it over the phone.",
    "District nurses who come to dress my husband's leg ulcers are wonderful.",
    "The local pharmacy is great, they know us by name and sort the repeat prescriptions.",
    "The practice nurse at {gp} takes time to listen.",
    "Having the blood clinic in {town} instead of going to the hospital.",
    "The social prescriber at our surgery put me in touch with a walking group, it has really helped.",
    "The community matron keeps my mum out of hospital.",
    "The leg ulcer clinic at {ch} is excellent.",
    "Physio at {ch} was quick to get into and very good.",
    "The carers who come in to my dad are lovely, when they turn up.",
    "Being able to order prescriptions online.",
    "Our GP knows the family and that continuity matters.",
    "The diabetes nurse at our surgery is really on the ball.",
    "Hearing aid clinic at the Haywood, no trip to the big hospital.",
    "The falls team visited and put rails in within a fortnight.",
    "The rapid response team came out when my mum had a chest infection and she didn't have to go into hospital.",
    "Dementia café at the church hall in {town} is a lifeline for us carers.",
    "Pharmacies open late and on Sundays.",
    "The Age UK befriending service.",
    "Our surgery has started a phone triage system and it works well for me.",
    "The heart failure nurses visit at home, fantastic.",
    "Everything I need is within walking distance in {town}.",
    "Voluntary groups filling the gaps.",
    "The health visitors in {town} are great with new mums.",
    "Repeat prescriptions delivered to the door.",
    "!The palliative care team and the hospice at home nurses were angels when we lost mum.",
]

COMM_BETTER = [
    "Getting a GP appointment is impossible. You have to ring at 8am and by 8.05 they're all gone.",
    "!The 8am phone scramble is ridiculous, I rang 47 times this morning.",
    "Can't get an appointment for 3 weeks unless it's urgent, and then you have to fight for it.",
    "I would like to see the same doctor each time instead of whoever is free.",
    "Too many locums, no continuity.",
    "Waited for a care package for {relative} for {weeks} weeks while she sat in a hospital bed.",
    "Social care is the real problem – carers only get 15 minutes a visit.",
    "More services in {town} so we don't have to go to Stoke or Stafford for everything.",
    "Care closer to home sounds great but there's nothing here in {town}.",
    "District nurses are overstretched, visits get cancelled.",
    "Better communication between the hospital and the GP, the discharge letter took 5 weeks to arrive.",
    "Receptionists asking what's wrong with you in front of a full waiting room.",
    "The physio waiting list is {weeks} weeks, by then I'll have sorted it myself.",
    "The pharmacy keeps running out of my medication.",
    "Help for carers. I look after my husband 24/7 and nobody asks how I am.",
    "Appointment letters arriving after the appointment.",
    "No bus from {town} to the clinic before 10am.",
    "Home visits for housebound people are almost impossible now.",
    "More GPs. Our practice lost three doctors in a year.",
    "The phone lines are engaged all morning.",
    "Podiatry has stopped visiting at home.",
    "GP surgeries should open evenings and Saturdays for people who work.",
    "Mum's carers change every week, she doesn't know who is coming.",
    "The online booking never has any appointments on it.",
    "Physio, podiatry and the hearing clinic all in different towns.",
    "Getting a referral is like getting blood out of a stone.",
    "Too much left to families to sort out.",
    "Pharmacists could do more – blood pressure checks, minor ailments, repeat reviews.",
    "A phone line just for carers, answered by someone who knows the system.",
    "Bring back the 'open surgery' mornings where you just turned up and waited.",
    "Delayed discharge – dad waited 3 weeks in hospital for social care to arrange a package.",
]

MAT_WELL = [
    "The midwives at Royal Stoke were amazing when I had my daughter in March.",
    "Samuel Johnson birth centre was calm and the midwives were fantastic, such a shame if it closes.",
    "Having the same community midwife all the way through my pregnancy.",
    "The breastfeeding support group in {town}.",
    "!The neonatal unit at Royal Stoke looked after our twins for 6 weeks, we can't thank them enough.",
    "The home birth team were very supportive.",
    "Antenatal classes were really useful for my partner as well.",
    "My health visitor was lovely and didn't judge.",
    "!The bereavement midwife after our loss was so kind.",
    "The triage line answered straight away when I had reduced movements.",
    "The birth centre at Queen's in Burton was lovely.",
    "Aftercare from the community midwives was great.",
    "The specialist perinatal mental health team.",
]

MAT_BETTER = [
    "Royal Stoke maternity is too far for us in Leek, 40 minutes in labour and no bus.",
    "Bring back births at County Hospital, Stafford is a big town with no maternity unit.",
    "!Partners being sent home at night after the birth, I was left alone and scared.",
    "I saw a different midwife at every appointment and had to repeat my history each time.",
    "The postnatal ward was understaffed, I waited hours for pain relief.",
    "More support for mental health after birth. I struggled with PND and it took months to get help.",
    "Keep the Samuel Johnson birth centre open.",
    "Parking at the maternity unit when you're in labour – {price} and no spaces.",
    "My induction was delayed two days because the delivery suite was full.",
    "Better breastfeeding support on the ward.",
    "Only one person allowed at scans and no flexibility.",
    "Interpreters. My friend speaks very little English and had no idea what was happening.",
    "Midwives are so busy they can't spend time with you.",
    "!Consultant clinic ran 3 hours late at 36 weeks pregnant with a toddler in tow.",
]

MH_WELL = [
    "The crisis team were excellent when my son was in a bad place.",
    "Talking therapies – self-referral was easy and quick.",
    "My CPN is wonderful, she really listens.",
    "Staff at the Harplands were kind to my dad.",
    "Samaritans and the voluntary groups do more than the NHS.",
    "The drop-in at the library in {town} on a Thursday.",
    "CAMHS, once you're actually in, are really good.",
    "The Mind group in Stafford.",
    "Nothing, it's a postcode lottery.",
    "The online CBT course was helpful for me.",
    "!The Safe Haven café in Hanley is a great idea.",
    "The memory clinic nurse who diagnosed mum.",
    "The school nurse and the wellbeing worker at my daughter's school.",
]

MH_BETTER = [
    "CAMHS waiting lists are shocking, my daughter waited {months} months for an assessment.",
    "Mental health waiting lists are far too long – 18 weeks for counselling when you're suicidal is not ok.",
    "The crisis line never answered.",
    "!My brother was sent out of area for a bed and ended up in Manchester.",
    "More support for young people, especially around exams and self-harm.",
    "Don't discharge people back to the GP after 6 sessions.",
    "Better links between drug and alcohol services and mental health.",
    "Somewhere to go at night that isn't {ae}.",
    "Mental health workers in GP surgeries.",
    "The adult autism assessment waiting list is 2 years.",
    "Stop closing beds.",
    "Mum's dementia diagnosis took over a year.",
    "Men's mental health – we don't talk about it enough.",
    "CAMHS rejected the referral twice, we were told he wasn't 'bad enough'.",
    "Follow-up after leaving hospital. My partner was discharged with nothing in place.",
    "Support for families, not just the patient.",
    "Waiting {months} months for an ADHD assessment.",
]

PLAN_WELL = [
    "!My hip replacement at the Haywood was superb, home in 2 days.",
    "Text reminders for appointments.",
    "Cataract op at {acute} was quick and painless.",
    "Phone follow-ups instead of travelling to Stoke.",
    "The pre-op assessment was thorough.",
    "The cancer team at Royal Stoke are fantastic, my chemo nurse was an angel.",
    "Being given a choice of where to have my operation.",
    "Outpatients at {ch} is much easier to get to and park.",
    "Physio after my knee op was excellent.",
    "The surgeon explained everything clearly and drew me a diagram.",
    "Day surgery was very efficient.",
    "The 2 week wait referral worked exactly as it should.",
]

PLAN_BETTER = [
    "Waited {months} months for a knee replacement in constant pain.",
    "Appointments cancelled at the last minute, twice.",
    "Clinics running 2 hours late with no explanation.",
    "Travelling to Stoke for a 5 minute follow-up that could have been a phone call.",
    "Results take weeks and you have to chase them yourself.",
    "Parking at Royal Stoke outpatients – I missed my slot driving round looking for a space.",
    "The dermatology referral was rejected twice.",
    "Op cancelled on the morning of surgery after fasting all night.",
    "Better communication between the consultant and the GP, nobody seems to know who's doing what.",
    "Hospital transport picked me up 3 hours before my appointment.",
    "Being passed from pillar to post between departments.",
    "Waiting {weeks} weeks for an MRI scan.",
    "Outpatient letters full of jargon.",
    "Hospital transport criteria are too strict, I can't drive after my eye injections.",
    "I didn't receive my appointment letter until the day after the appointment.",
    "Do follow-ups by phone or video, most of mine were 5 minutes long.",
]

DIGI_IDEAS = [
    "Online booking for GP appointments that actually has appointments on it.",
    "The NHS app is fine for repeat prescriptions but you can't book anything with our practice.",
    "Video appointments would save me taking half a day off work.",
    "Not everyone has the internet! My mum is 84 and hasn't got a computer.",
    "One record that every service can see, so I don't have to repeat my story to every new person.",
    "Text messages instead of letters.",
    "E-mail consultations for simple things.",
    "Please don't make everything online, older people get left behind.",
    "Wi-fi in hospitals that actually works.",
    "Let me see my test results online.",
    "Apps to record blood pressure at home and send the readings to the GP.",
    "Patient Access is clunky.",
    "One phone number for everything.",
    "Video calls are fine for some things but not when you need examining.",
    "Broadband in the Moorlands is terrible, video calls won't work for us.",
    "Text reminders the day before.",
    "A video call with the consultant instead of a 60 mile round trip.",
    "I don't trust apps with my data.",
    "Online forms for the GP so you don't have to ring at 8am.",
    "Technology is only as good as the people using it.",
    "It's naïve to think an app will fix staff shortages.",
    "Teach people how to use it – my dad would if someone showed him.",
    "Electronic prescriptions straight to the chemist.",
    "I end up asking Dr Google because I can't get an appointment.",
    "!Hospitals still using fax machines and paper notes in 2019!",
    "A proper website with opening times that are up to date.",
]

BUILD_BETTER = [
    "Royal Stoke is modern but the community hospitals are falling apart.",
    "Our surgery is in an old house, not suitable for wheelchairs.",
    "Parking! Parking! Parking!",
    "Make better use of the empty buildings.",
    "The toilets at {ch} were dirty and the paint is peeling.",
    "Use the community hospitals for more clinics instead of leaving wards empty.",
    "Waiting rooms are cramped and far too hot in summer.",
    "A hearing loop in reception.",
    "Accessible entrances – my wife uses a wheelchair and the door at our surgery is heavy.",
    "Signs at Royal Stoke – it's a maze.",
    "Buildings in poor repair, buckets catching leaks at County Hospital.",
    "Somewhere to get a cup of tea.",
    "The lift was out of order for weeks.",
    "More disabled parking spaces near the entrance.",
    "Changing Places toilets.",
    "Our health centre was built in the 1970s and it shows.",
    "Parking charges for blue badge holders should be scrapped.",
]

CH_FUTURE = [
    "Keep {ch} open!",
    "Use {ch} for step-down beds so people can leave Royal Stoke sooner.",
    "Reopen the beds at {ch}, they were closed “temporarily” years ago.",
    "Run minor injuries from {ch} 8am–8pm, seven days a week.",
    "Turn them into health hubs with GPs, X-ray, physio and blood tests under one roof.",
    "Rehab beds close to home so family can visit.",
    "Minor injuries 24/7.",
    "End of life care close to home.",
    "Outpatient clinics so we don't have to travel.",
    "Longton Cottage is past its best but something is needed in the south of the city.",
    "Sir Robert Peel should do more than it does, Tamworth is growing.",
    "Samuel Johnson is a lovely hospital but half empty.",
    "Respite beds for carers.",
    "Don't sell them off for housing.",
    "Cheadle and Leek Moorlands mean the world to people in the Moorlands, the bus to Stoke takes an hour.",
    "Bradwell should be used for people waiting for a care home place.",
    "A dementia unit.",
    "Not sure, I don't know much about them.",
    "The Haywood is a good model, more of that please.",
    "Mental health beds.",
    "Somewhere for people who don't need an acute bed but can't go home yet.",
    "They should be for the local community, not just overflow from Stoke.",
]

INTEGRATION = [
    "One record that follows you around.",
    "Health and social care actually talking to each other.",
    "Not having to tell my story ten times.",
    "Hospital, GP and council working as one team instead of passing the buck.",
    "Money following the patient.",
    "It means nothing to me, it's just jargon.",
    "Discharge planned from day one with social care at the table.",
    "A named person who coordinates my dad's care.",
    "Joined up care – the GP knowing what happened in hospital before I get home.",
    "Sharing information properly, with consent.",
    "Stop arguing about whose budget it comes out of.",
    "Integration = cuts.",
    "Pharmacy, GP and district nurses in one building.",
    "The council and the NHS should have one front door.",
    "Care plans that everyone can see, including the family.",
    "My mum has 6 different teams visiting and none of them talk to each other.",
    "Seamless. I shouldn't notice where the NHS ends and the council begins.",
]

PRIORITIES = [
    "More GPs and nurses.",
    "Mental health, especially for young people.",
    "Getting people out of hospital when they're ready, with care at home in place.",
    "Prevention – obesity, smoking, exercise.",
    "Keep services local.",
    "Cut waiting times.",
    "Stop wasting money on management consultants and restructures.",
    "Social care funding.",
    "Look after the staff, they're exhausted.",
    "Parking!!!",
    "Dementia care.",
    "Transport to hospital.",
    "Listen to patients.",
    "Quicker cancer diagnosis.",
    "Care for the elderly.",
    "Better pay for carers.",
    "Access to GPs.",
    "Children's services.",
    "{ae} waits.",
    "Keep the community hospitals.",
    "Recruit and keep staff.",
    "Tackle loneliness.",
    "Fund the voluntary sector properly, they pick up the pieces.",
    "Get the basics right before spending on apps.",
    "Help people stay independent at home.",
]

OTHER = [
    "Thank you for asking.",
    "I hope this isn't just a box-ticking exercise.",
    "It feels like the decisions have already been made.",
    "NHS staff are heroes.",
    "!I've lived in {town} for 40 years and services have got worse.",
    "The consultation document is full of jargon.",
    "Hold the events in the evening so working people can come.",
    "Glad to see the roadshow in {town}.",
    "Please publish what you do with the results.",
    "Stop the privatisation of the NHS.",
    "The carer's assessment process is too complicated.",
    "!Veterans' mental health needs more attention.",
    "Keep up the good work 🙂",
    "The survey was too long.",
    "Why is there no Easy Read version online?",
    "Remember the people who don't use the internet.",
    "!Diolch – I use the NHS in Wales too when visiting family and the systems don't talk.",
    "!Brak tłumacza w szpitalu – czekałam 6 godzin i nic nie rozumiałam.",
    "!ڈاکٹر سے ملاقات بہت مشکل ہے۔ Please have information in Urdu.",
    "Sorry this is so long but I wanted to say it.",
    "Ask the staff, they know what needs changing.",
    "!We were told it was “just a consultation” last time too.",
    "!Why not put a GP in the big supermarkets? People are there anyway.",
]

GENERAL = [
    "Parking at Royal Stoke is a disgrace, {price} to visit a dying relative.",
    "Everyone is doing their best but there just aren't enough staff.",
    "Buses to the hospital are few and far between, {bus} stops at 6pm.",
    "Nobody talks to each other, hospital, GP, council, all separate.",
    "I waited in {ae} for {hours} hours in 2019 and it was the same in 2017.",
    "{Relative} was stuck on ward {ward} for weeks waiting for a care package.",
    "I am 82 and I don't drive, so anything outside {town} is a problem.",
    "The staff were kind but you could see they were run ragged.",
    "We moved here in 2012 and it has got steadily worse.",
    "Getting through on the phone is the hardest bit.",
    "I don't drive, so anything outside {town} is a problem.",
    "The community hospitals should be used properly, not left half empty.",
    "I'm a carer and it's exhausting fighting for everything.",
    "Some services are brilliant and some are awful, it depends who you get.",
]

# Openers and closers for the long, rambling answers.
OPENERS = [
    "Where do I start.", "I don't usually fill these things in but here goes.",
    "To cut a long story short,", "Speaking as a carer,", "As a nurse myself,",
    "In my experience,", "From personal experience,", "Honestly,", "To be fair,",
    "I'll be brief.", "Where to begin...", "As someone with COPD,",
    "As a retired district nurse,", "I work in social care and",
]
CLOSERS = [
    "Thank you.", "Just my opinion.", "Sorry to moan.", "Rant over.", "I could go on.",
    "Please listen.", "Thanks for reading.", "Keep up the good work.",
    "Something has to change.", "Anyway, that's my two pennies' worth.",
]

SHORT = ['n/a', 'N/A', 'nothing', 'Nothing', 'none', 'None', 'No', 'no comment',
         "Don't know", 'dont know', 'Not sure', '-', '.', 'As above', 'See above',
         'Same as before', 'Not applicable', "Haven't used it", 'NA', 'nil', '?',
         'Not used them', 'No idea', 'Nothing really', 'nothing to add']

SHORT_BY_Q = {
    'BUILD-BETTER': ['Parking!!!', 'Parking', 'PARKING', 'Cleanliness', 'Toilets'],
    'PRIORITIES': ['GPs', 'Staff', 'Mental health', 'Parking!!!', 'Waiting times', 'Elderly'],
    'UEC-BETTER': ['Waiting times', 'Parking!!!', 'Everything', 'Staffing', 'The wait'],
    'UEC-WELL': ['The staff', 'Nurses', '111', 'Paramedics', 'Not a lot'],
    'COMM-WELL': ['Pharmacy', 'The chemist', 'District nurses', 'My GP'],
    'COMM-BETTER': ['GP appointments', 'Appointments!', 'Getting through on the phone'],
    'DIGI-IDEAS': ['Online booking', 'Video calls', 'NHS app', "Don't use the internet"],
    'INTEGRATION': ['Joined up care', 'One record', 'Working together', 'Not sure what it means'],
    'CH-FUTURE': ['Keep them open', 'Step-down beds', 'Rehab', 'More clinics'],
}

POOLS = {
    'UEC-WELL': UEC_WELL, 'UEC-BETTER': UEC_BETTER,
    'COMM-WELL': COMM_WELL, 'COMM-BETTER': COMM_BETTER,
    'MAT-WELL': MAT_WELL, 'MAT-BETTER': MAT_BETTER,
    'MH-WELL': MH_WELL, 'MH-BETTER': MH_BETTER,
    'PLAN-WELL': PLAN_WELL, 'PLAN-BETTER': PLAN_BETTER,
    'DIGI-IDEAS': DIGI_IDEAS, 'BUILD-BETTER': BUILD_BETTER,
    'CH-FUTURE': CH_FUTURE, 'INTEGRATION': INTEGRATION,
    'PRIORITIES': PRIORITIES, 'OTHER': OTHER,
}

# Negative answers to "what works well?" from unhappy people.
WELL_NEGATIVE = [
    "Nothing works well at the moment.", "Nothing, sorry.", "Honestly? Not much.",
    "Can't think of anything.", "Nothing – it's all broken.",
    "I am disappointed to say nothing.", "Very little.",
]

# How likely a respondent is to answer each free-text question (online).
ANSWER_P = {
    'UEC-WELL': 0.70, 'UEC-BETTER': 0.80, 'COMM-WELL': 0.55, 'COMM-BETTER': 0.62,
    'MAT-WELL': 0.10, 'MAT-BETTER': 0.12, 'MH-WELL': 0.22, 'MH-BETTER': 0.30,
    'PLAN-WELL': 0.33, 'PLAN-BETTER': 0.40, 'DIGI-IDEAS': 0.45, 'BUILD-BETTER': 0.35,
    'CH-FUTURE': 0.40, 'INTEGRATION': 0.35, 'PRIORITIES': 0.58, 'OTHER': 0.30,
}

MISSPELL = [
    ('appointment', 'apointment'), ('receive', 'recieve'), ('doctors', 'docters'),
    ('hospital', 'hosptial'), ('definitely', 'definately'), ('separate', 'seperate'),
    ('necessary', 'neccessary'), ('because', 'becuase'), ('waiting', 'wating'),
    ('really', 'realy'), ('their', 'there'), ('ambulance', 'ambulence'),
    ('received', 'recieved'), ('Receptionists', 'Receptionist\'s'), ('minutes', 'mins'),
    ('prescriptions', 'perscriptions'), ('surgery', 'surgury'), ('nurses', 'nurses\''),
]

# Easy Read answers: short, plain words, some written down by a supporter.
ER_POOLS = {
    'ER-HELP-GOOD': [
        "The nurses were kind.", "The ambulance came fast.", "111 helped me.",
        "The doctor listened to me.", "They explained things in easy words.",
        "My support worker could stay with me.", "They read my hospital passport.",
        "They gave me pictures to help me understand.", "The nurse held my hand.",
        "I got help quick.", "Nice people.", "They were nice to my mum.",
        "The paramedic was funny and made me laugh.", "Good.",
    ],
    'ER-HELP-BETTER': [
        "Waiting too long.", "Too noisy in A and E.", "Talk to me not my carer.",
        "Easy read letters please.", "I got scared.", "It is hard to use the phone.",
        "They did not read my hospital passport.", "More time to understand.",
        "A quiet room to wait in.", "Long words are hard.", "I waited all night.",
        "The lights are too bright.", "Tell me what is happening.",
        "Ask me, I can answer.",
    ],
    'ER-MIND': [
        "Someone to talk to.", "Not waiting a long time.", "The same person every time.",
        "Help at night.", "Groups to meet people.", "I feel lonely.", "Kind people.",
        "Easy words.", "Somewhere calm.", "Help for my anxiety.", "More day centres.",
        "Do not stop my support.", "Music group.",
    ],
    'ER-TOGETHER': [
        "Talk to each other.", "Read my passport.", "Tell my mum what is happening.",
        "One plan for me.", "Share my notes.", "Ask me first.", "Not tell my story again.",
        "Same people.", "Write it down for me.",
    ],
    'ER-IMPORTANT': [
        "Being listened to.", "Easy read.", "Kind staff.", "Not waiting.",
        "Help to get there on the bus.", "My doctor.", "Being safe.",
        "Staying at home.", "Respect.", "My family.", "Time.", "Pictures.",
        "Reasonable adjustments.",
    ],
    'ER-ANYTHING': [
        "Thank you.", "I liked the pictures.", "No.", "Thank you for asking me.",
        "I like my doctor.", "Please do more easy read.", "I want a job in the NHS.",
        "More buses.", "Bye 🙂", "Happy.",
    ],
}
ER_SUPPORT = [" (written by support worker)", " (support worker helped)",
              " - said by J, written by staff", " (with help from my mum)"]

# Names for personal data planted in free text and for the contact columns.
FIRST = ['Sarah', 'David', 'Karen', 'Paul', 'Jayne', 'Steve', 'Emma', 'Gary', 'Lisa',
         'Mark', 'Joanne', 'Ian', 'Dawn', 'Craig', 'Beverley', 'Keith', 'Sharon', 'Lee',
         'Rhiannon', 'Gareth', 'Siân', 'Dafydd', 'Bethan', 'Iwan', 'Ffion', 'Llinos',
         'Agnieszka', 'Łukasz', 'Małgorzata', 'Katarzyna', 'Piotr', 'Zofia', 'Wojciech',
         'Mohammed', 'Nazia', 'Farhan', 'Ayesha', 'Imran', 'Shazia', 'Tariq', 'Rukhsana',
         'Priya', 'Harjit', 'Gurpreet', 'Marcia', 'Delroy', 'Zoë', 'Chloé']
LAST = ['Hughes', 'Bourne', 'Salt', 'Plant', 'Boulton', 'Hollins', 'Llewellyn', 'Pritchard',
        'Jenkins', 'Wójcik', 'Nowak', 'Kowalczyk', 'Zieliński', 'Iqbal', 'Hussain', 'Begum',
        'Akhtar', 'Malik', 'Rashid', 'Patel', 'Sandhu', 'Thompson', 'Campbell', 'Shufflebotham',
        'Bagnall', 'Mountford', 'Heath', 'Brereton', 'Evans', 'Ap Rhys', 'O\'Neill']
STREETS = ['Church Street', 'Weston Road', 'Lichfield Road', 'Station Road', 'Victoria Street',
           'Moorland Road', 'Ash Grove', 'Oakhill Avenue', 'High Street', 'Park Lane']

ASCII_FOLD = str.maketrans({'â': 'a', 'ł': 'l', 'Ł': 'L', 'ó': 'o', 'ń': 'n', 'ś': 's',
                            'ż': 'z', 'ź': 'z', 'ą': 'a', 'ę': 'e', 'ë': 'e', 'é': 'e',
                            'ï': 'i', 'ô': 'o', 'ŵ': 'w', 'ŷ': 'y', '\'': '', ' ': ''})


def nhs_number(rng):
    """A 10-digit number in the never-issued 999 range with a valid check digit."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        total = sum(d * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check == 10:
            continue
        return ''.join(map(str, digits + [check]))


def nhs_valid(s):
    d = [int(c) for c in s]
    if len(d) != 10:
        return False
    check = 11 - sum(x * (10 - i) for i, x in enumerate(d[:9])) % 11
    if check == 11:
        check = 0
    return check != 10 and check == d[9]


ONE_OFFS_USED = set()


class Words:
    """Makes free-text answers; one per file so that files stay independent."""

    def __init__(self, rng, places):
        self.rng = rng
        self.places = places
        self.planted = 0
        self.used = {}

    # -- slots -----------------------------------------------------------
    def fill(self, text, person):
        rng = self.rng
        district = person.district if person else None

        def slot(m):
            name = m.group(1)
            if name[0].isupper():  # {Relative}: the same slot, capitalised
                v = slot(re.match(r'(\w+)', name.lower()))
                return v[0].upper() + v[1:]
            if name == 'town':
                towns = DISTRICT_TOWNS.get(district) or sum(DISTRICT_TOWNS.values(), [])
                return rng.choice(towns)
            if name == 'acute':
                return rng.choice(DISTRICT_ACUTE.get(district, ['Royal Stoke', 'County Hospital']))
            if name == 'ch':
                if district in DISTRICT_CH and rng.random() < 0.75:
                    return rng.choice(DISTRICT_CH[district])
                return rng.choice(ALL_CH)
            return rng.choice(SLOTS[name])

        for _ in range(3):
            if '{' not in text:
                break
            text = re.sub(r'\{(\w+)\}', slot, text)
        return text

    # -- personal data ---------------------------------------------------
    def name(self):
        return self.rng.choice(FIRST), self.rng.choice(LAST)

    def email(self, first, last):
        rng = self.rng
        f, l = first.translate(ASCII_FOLD).lower(), last.translate(ASCII_FOLD).lower()
        local = rng.choice([f'{f}.{l}', f'{f}{l}{rng.randrange(50, 99)}', f'{f[0]}{l}',
                            f'{f}_{l[0]}{rng.randrange(1960, 2001)}', f'{l}.family'])
        return local + '@' + rng.choice(['example.com', 'example.org'])

    def phone(self):
        rng = self.rng
        n = rng.randrange(1000)
        return rng.choice([
            f'07700 900{n:03d}', f'07700900{n:03d}', f'+44 7700 900 {n:03d}',
            f'+447700900{n:03d}', f'07700 900 {n:03d}',
            f'01632 960{n:03d}', f'(01632) 960 {n:03d}', f'01632 960 {n:03d}',
            f'0121 496 0{n:03d}', f'020 7946 0{n:03d}',
        ])

    def nhs(self):
        n = nhs_number(self.rng)
        return self.rng.choice([f'{n[:3]} {n[3:6]} {n[6:]}', n, f'{n[:3]}-{n[3:6]}-{n[6:]}'])

    def pii_sentence(self, person):
        rng = self.rng
        first, last = self.name()
        kind = rng.choices(['email', 'phone', 'both', 'nhs', 'myname', 'iam', 'staff', 'postcode'],
                           [20, 18, 6, 14, 14, 8, 12, 8])[0]
        if kind == 'email':
            return rng.choice([
                f"If you want to know more you can email me on {self.email(first, last)}",
                f"Happy to be contacted – {self.email(first, last)}.",
                f"Email me at {self.email(first, last)} and I'll tell you the whole story.",
            ])
        if kind == 'phone':
            return rng.choice([
                f"Please ring me on {self.phone()}, I'd like to talk to someone about this.",
                f"My number is {self.phone()} if anyone wants to discuss.",
                f"Call me {self.phone()} (after 6pm).",
            ])
        if kind == 'both':
            return f"Contact me: {first} {last}, {self.email(first, last)}, {self.phone()}."
        if kind == 'nhs':
            return rng.choice([
                f"My NHS number is {self.nhs()} if you want to look at what happened.",
                f"{rng.choice(['Mum', 'Dad', 'My husband', 'My wife'])}'s NHS number is {self.nhs()}, please look into it.",
                f"NHS no. {self.nhs()}",
            ])
        if kind == 'myname':
            return rng.choice([
                f"My name is {first} {last} and I have been a carer for 11 years.",
                f"My name is {first} {last}, I'm happy for you to contact me.",
                f"my name is {first.lower()} {last.lower()}",
            ])
        if kind == 'iam':
            title = rng.choice(['Mrs', 'Mr', 'Ms', 'Miss'])
            return rng.choice([
                f"I am {title} {first} {last}, aged {rng.randrange(60, 92)}, from {self.fill('{town}', person)}.",
                f"I am {first} {last} and I'm registered at {self.fill('{gp}', person)}.",
            ])
        if kind == 'staff':
            return rng.choice([
                f"Dr {last} at our surgery was fantastic.",
                f"Nurse {first} on ward {rng.choice(SLOTS['ward'])} deserves a medal.",
                f"the nurse who looked after dad, nurse {first}, was so gentle with him.",
                f"{rng.choice(['Mr', 'Mrs', 'Ms'])} {last} the consultant never once spoke to us directly.",
                f"Please pass my thanks to Dr {first} {last} in {self.fill('{ae}', person)}.",
                f"Sister {last} on the stroke unit was wonderful.",
            ])
        pcs = self.places.by_district.get(person.district) if person else None
        pc = self.rng.choice(pcs) if pcs else 'ST4 6QG'
        return rng.choice([
            f"I live at {rng.randrange(1, 180)} {rng.choice(STREETS)}, {pc} and there is no bus after 6.",
            f"Come and see for yourself, {pc}, the nearest surgery is 6 miles away.",
            f"We're at {pc} which is right on the border so nobody wants to know.",
        ])

    def plant(self, text, person):
        s = self.pii_sentence(person)
        if person is not None and person.caps:
            s = s.upper()
        self.planted += 1
        if self.rng.random() < 0.75:
            sep = '' if text.endswith((' ', '\n')) else ' '
            return text + sep + s
        return s + ' ' + text

    # -- styling ---------------------------------------------------------
    def style(self, text, channel, person=None):
        rng = self.rng
        if rng.random() < 0.12:
            for a, b in rng.sample(MISSPELL, len(MISSPELL)):
                if a in text:
                    text = text.replace(a, b, 1)
                    break
        if person is not None and person.caps:
            text = text.upper()  # someone who writes everything in capitals
        elif rng.random() < 0.08:
            text = text.lower()
        if rng.random() < 0.18 and text.endswith('.'):
            text = text[:-1]
        if channel == 'online':
            if rng.random() < 0.15:
                text = text.replace("'", '\u2019')  # phone keyboards' curly apostrophe
            if rng.random() < 0.03:
                text = text.replace('...', '\u2026')
            if rng.random() < 0.03:
                text += rng.choice([' 🙂', ' 😡', ' 👍', ' 🙁', ' :-)', ' :('])
        if rng.random() < 0.03:
            text = text.replace('. ', '.  ', 1)
        if rng.random() < 0.02:
            text = rng.choice([' ', '  ', '\t']) + text + rng.choice(['', ' ', '  '])
        if rng.random() < 0.025:
            text = text.rstrip('.') + '!!'
        return text

    # -- answers ---------------------------------------------------------
    def pick(self, pool, n):
        """n different templates, favouring ones this file has used least;
        a template starting with '!' is a one-off anecdote, used once in all the
        samples (they are made in a fixed order, so this stays deterministic)."""
        rng = self.rng
        out = []
        cand = [t for t in pool if not (t.startswith('!') and t in ONE_OFFS_USED)]
        for _ in range(min(n, len(cand))):
            w = [1 / (1 + self.used.get(t, 0)) ** 1.5 for t in cand]
            t = rng.choices(cand, w)[0]
            cand.remove(t)
            self.used[t] = self.used.get(t, 0) + 1
            if t.startswith('!'):
                ONE_OFFS_USED.add(t)
            out.append(t.lstrip('!'))
        return out

    def answer(self, qcode, person, channel, newline='\n', pii_rate=0.07, longest=600):
        """An answer to one free-text question of the standard form, '' for none."""
        rng = self.rng
        p = ANSWER_P[qcode]
        if qcode.startswith('MAT-') and 'maternity' in person.services:
            p = 0.8
        if qcode.startswith('MH-') and 'mental-health' in person.services:
            p = 0.75
        if channel == 'paper':
            p *= 0.8
        if rng.random() >= p:
            return ''
        if rng.random() < 0.085:
            return rng.choice(SHORT + SHORT_BY_Q.get(qcode, []) * 2)
        if qcode.endswith('-WELL') and rng.random() < 0.35 * (1 - person.mood):
            text = rng.choice(WELL_NEGATIVE)
            return self.style(text, channel, person)
        pool = POOLS[qcode]
        if qcode == 'PRIORITIES' and rng.random() < 0.15:
            items = [self.fill(s, person).rstrip('.!') for s in self.pick(pool, rng.randint(2, 4))]
            mark = rng.choice(['{n}. ', '{n}) ', '- ', '* '])
            text = newline.join(mark.format(n=i + 1) + it for i, it in enumerate(items))
            return text
        n = rng.choices([1, 2, 3, 4, 5], [52, 28, 10, 6, 4])[0]
        picks = self.pick(pool, n)
        if n >= 3 and rng.random() < 0.6:
            picks[-1:-1] = self.pick(GENERAL, 1)
        sentences = [self.fill(s, person) for s in picks]
        if n >= 3 and rng.random() < 0.5:
            opener = rng.choice(OPENERS)
            if opener.endswith(','):
                first = sentences[0]
                word = first.split(' ', 1)[0]
                if len(word) > 1 and word[1:].islower() and word not in ('I', "I'm"):
                    first = first[0].lower() + first[1:]
                sentences[0] = opener + ' ' + first
            elif opener.endswith(' and'):
                sentences[0] = opener + ' ' + sentences[0][0].lower() + sentences[0][1:]
            else:
                sentences.insert(0, opener)
        if n >= 2 and rng.random() < 0.3:
            sentences.append(rng.choice(CLOSERS))
        out = []
        length = 0
        for s in sentences:
            if out and length + len(s) + 1 > longest:
                break
            out.append(s)
            length += len(s) + 1
        if len(out) >= 2 and channel == 'online' and rng.random() < 0.35:
            joiner = rng.choice([newline, newline * 2])
            text = joiner.join(out)
        else:
            text = ' '.join(out)
        text = self.style(text, channel, person)
        if channel == 'paper' and rng.random() < 0.06:
            text += rng.choice([' [illegible]', ' (continued on back)', ' ... [rest illegible]',
                                ' (see attached letter)'])
        if rng.random() < pii_rate:
            text = self.plant(text, person)
        return text

    def er_answer(self, qcode, person, p=0.7):
        rng = self.rng
        if rng.random() >= p:
            return ''
        n = rng.choices([1, 2, 3], [65, 28, 7])[0]
        text = ' '.join(rng.sample(ER_POOLS[qcode], n))
        if person.caps:
            text = text.upper()
        elif rng.random() < 0.1:
            text = text.lower().rstrip('.')
        if rng.random() < 0.08:
            text += rng.choice(ER_SUPPORT)
        if rng.random() < 0.04:
            text = self.plant(text, person)
        return text

    def card(self, qcode, person):
        """A roadshow feedback card: short, typed on a tablet."""
        rng = self.rng
        if rng.random() >= 0.8:
            return ''
        if rng.random() < 0.12:
            return rng.choice(SHORT_BY_Q.get(qcode, SHORT))
        if qcode.endswith('-WELL') and rng.random() < 0.3 * (1 - person.mood):
            return rng.choice(WELL_NEGATIVE)
        n = rng.choices([1, 2], [75, 25])[0]
        text = ' '.join(self.fill(s, person) for s in self.pick(POOLS[qcode], n))
        if rng.random() < 0.1:
            text = text.lower()
        if rng.random() < 0.04:
            text = self.plant(text, person)
        return text


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------

DISTRICT_WEIGHTS = {
    'E06000021': 19, 'E07000195': 11, 'E07000197': 11, 'E07000193': 10, 'E07000194': 9.5,
    'E07000196': 9.5, 'E07000192': 9.5, 'E07000198': 10.5, 'E07000199': 8.5,
}

# Outward codes that span districts, favoured for outward-only answers.
SPLIT_OUTWARD = {
    'E07000195': ['ST7', 'CW3', 'TF9', 'ST5'],
    'E07000199': ['B79', 'B78', 'B77'],
    'E07000192': ['WS15', 'WS12', 'WS11'],
    'E07000194': ['WS15', 'B79', 'DE13', 'WS13'],
    'E07000198': ['ST7', 'ST11', 'SK17', 'ST13'],
    'E07000196': ['WV6', 'WV9', 'WV10', 'WS6'],
    'E07000193': ['DE13', 'DE15', 'ST14', 'DE14'],
    'E07000197': ['ST11', 'ST3', 'ST18', 'ST16'],
    'E06000021': ['ST7', 'ST2', 'ST3', 'ST6'],
}

# Full postcodes from just outside the area (people who use its hospitals).
OUTSIDE_POSTCODES = ['CW1 2AZ', 'DE22 3NE', 'WV1 1RE']

AGE_W = {
    'online': [1, 4, 12, 16, 20, 20, 16, 6, 2],
    'paper': [0.5, 2, 5, 8, 12, 18, 25, 22, 3],
    'event-card': [2, 6, 12, 14, 16, 17, 17, 10, 2],
    'easy-read': [4, 18, 22, 18, 15, 10, 6, 3, 4],
}
AGE_CODES = ['under-18', '18-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75-plus', 'prefer-not']


class Person:
    pass


def pick_weighted(rng, weights):
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


# Split outward codes that must appear, given alone, in the online files:
# file -> {row index: (district, outward code)}.
PINNED_OUTWARD = {
    'google': {17: ('E07000195', 'ST7'), 64: ('E07000199', 'B79'), 121: ('E07000192', 'WS15'),
               150: ('E07000198', 'ST7'), 188: ('E07000194', 'WS15')},
    'surveymonkey': {9: ('E07000194', 'B79'), 58: ('E07000192', 'WS15')},
    'limesurvey': {23: ('E07000195', 'ST7')},
}


def make_person(rng, places, channel, district=None, mix=(0.70, 0.10), blank=0.03, pin=None):
    """A respondent: where they live, what they typed as postcode, who they are.
    `pin` = (district, outward code) makes an outward-code-only respondent."""
    p = Person()
    p.district = pin[0] if pin else district or pick_weighted(rng, DISTRICT_WEIGHTS)
    p.mood = rng.betavariate(2.2, 2.0)
    p.caps = channel in ('paper', 'easy-read') and rng.random() < 0.12
    r = rng.random()
    p.ticked = None
    if pin:
        p.pc_kind, p.postcode = 'outward', pin[1]
    elif r < mix[0]:
        p.pc_kind = 'full'
        if channel == 'online' and rng.random() < 0.012:
            p.postcode = rng.choice(OUTSIDE_POSTCODES)
            p.pc_kind = 'outside'
        else:
            p.postcode = rng.choice(places.by_district[p.district])
    elif r < mix[0] + mix[1]:
        p.pc_kind = 'outward'
        if rng.random() < 0.45:
            p.postcode = rng.choice(SPLIT_OUTWARD[p.district])
        else:
            codes = [(c, u) for c, u in places.outward_for[p.district] if c != 'ST55']  # PO boxes
            p.postcode = rng.choices([c for c, _ in codes], [u for _, u in codes])[0]
    else:
        p.pc_kind = 'none'
        p.postcode = ''
    if p.postcode and rng.random() < 0.14:
        pc = p.postcode
        p.postcode = rng.choice([pc.lower(), pc.replace(' ', ''), ' ' + pc.lower(),
                                 pc + ' ', pc.replace(' ', '  '), pc.lower().replace(' ', ''),
                                 pc.title()])
    # Which area do you live in? Mostly answered where there is no postcode.
    tick_p = {'full': 0.45, 'outside': 0.0, 'outward': 0.6, 'none': 0.72}[p.pc_kind]
    if rng.random() < tick_p:
        p.ticked = p.district
        if p.pc_kind == 'full' and rng.random() < 0.06:
            p.ticked = rng.choice(sorted(DISTRICT_WEIGHTS))  # the postcode wins
    # Equality monitoring
    aw = AGE_W[channel]
    p.age = rng.choices(AGE_CODES, aw)[0] if rng.random() > blank else None
    p.sex = rng.choices(['female', 'male', 'self-describe', 'prefer-not'], [61, 35, 1, 3])[0] \
        if rng.random() > blank else None
    asian = 12 if p.district == 'E06000021' else 4
    p.ethnicity = rng.choices(['white', 'mixed', 'asian', 'black', 'other', 'prefer-not'],
                              [84, 2, asian, 1.5, 1, 3])[0] if rng.random() > blank * 1.5 else None
    dis_yes = 30 if channel in ('paper', 'easy-read') else 20
    p.disability = rng.choices(['yes', 'no', 'prefer-not'], [dis_yes, 70, 6])[0] \
        if rng.random() > blank * 1.5 else None
    p.carer = rng.choices(['yes', 'no', 'prefer-not'], [20, 74, 4])[0] \
        if rng.random() > blank * 1.5 else None
    p.respondent = rng.choices(['public', 'staff', 'voluntary', 'other'], [82, 12, 3, 3])[0]
    # Services used in the last 12 months
    young_woman = p.sex == 'female' and p.age in ('18-24', '25-34', '35-44')
    old = p.age in ('75-plus', '65-74')
    probs = {'gp': 0.85, 'pharmacy': 0.68, 'nhs-111': 0.35, 'a-and-e': 0.36,
             'miu-wic': 0.2, 'community-hospital': 0.18 if old else 0.09,
             'mental-health': 0.11, 'maternity': 0.3 if young_woman else 0.02,
             'social-care': 0.2 if (old or p.carer == 'yes') else 0.05}
    p.services = [c for c, pr in probs.items() if rng.random() < pr]
    if not p.services:
        p.services = ['none']
    if rng.random() < 0.04:
        p.services = []
    # Single choices driven by mood
    m = p.mood
    p.uec_sat = None
    if rng.random() > 0.06:
        p.uec_sat = ('very-satisfied' if m > 0.8 else 'satisfied' if m > 0.58 else
                     'neither' if m > 0.4 else 'dissatisfied' if m > 0.2 else 'very-dissatisfied')
    p.recommend = None
    if rng.random() > 0.08:
        p.recommend = max(0, min(10, round(m * 10 + rng.gauss(0, 1.5))))
    p.digi_video = None
    if rng.random() > 0.05:
        yes = 0.6 if p.age in ('18-24', '25-34', '35-44', '45-54') else 0.25
        p.digi_video = rng.choices(['yes', 'maybe', 'no'], [yes, 0.25, 0.75 - yes])[0]
    return p


def event_person(rng, places, ex, channel, event_code, mix):
    """Someone met at an event: mostly from the event's own district."""
    ev_d = ex.events[event_code]['district'] if event_code else None
    if ev_d and rng.random() < 0.78:
        d = ev_d
    else:
        d = pick_weighted(rng, DISTRICT_WEIGHTS)
    return make_person(rng, places, channel, d, mix)


def online_times(rng, n, first=OPENS, last=CLOSES):
    """n sorted submission times: busy at launch, after the newsletter, and at the end."""
    days = []
    d = first
    while d <= last:
        w = 1.0
        if (d - OPENS).days < 10:
            w = 2.4
        if dt.date(2019, 7, 1) <= d <= dt.date(2019, 7, 6):
            w = 1.8
        if d >= dt.date(2019, 8, 19):
            w = 3.0
        if d.weekday() >= 5:
            w *= 0.75
        days.append((d, w))
        d += dt.timedelta(days=1)
    hours = [0.2] * 7 + [0.6, 0.9, 1.2, 1.2, 1.2, 1.6, 1.5, 1.0, 1.0, 1.0, 1.1, 1.6,
                         2.0, 2.1, 2.0, 1.6, 0.9]
    out = []
    for _ in range(n):
        day = rng.choices([d for d, _ in days], [w for _, w in days])[0]
        h = rng.choices(range(24), hours)[0]
        out.append(dt.datetime(day.year, day.month, day.day, h, rng.randrange(60), rng.randrange(60)))
    return sorted(out)


# ---------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------


def xml_attr(s):
    return (s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
            .replace('"', '&quot;'))


def xml_text(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


class MapWriter:
    """Builds a mapping file's text in document order, with comments."""

    def __init__(self, comment, **attrs):
        self.lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<!--']
        self.lines += ['  ' + line if line else '' for line in comment.strip('\n').split('\n')]
        self.lines.append('-->')
        a = ' '.join(f'{k.replace("_", "-")}="{xml_attr(str(v))}"' for k, v in attrs.items())
        self.lines.append(f'<mapping {a}>')

    def comment(self, text):
        self.lines.append(f'  <!-- {text} -->')

    def el(self, name, values=None, **attrs):
        a = ' '.join(f'{k.replace("_", "-")}="{xml_attr(str(v))}"' for k, v in attrs.items())
        if values:
            self.lines.append(f'  <{name} {a}>')
            for frm, to in values:
                self.lines.append(f'    <value from="{xml_attr(frm)}" to="{xml_attr(to)}"/>')
            self.lines.append(f'  </{name}>')
        else:
            self.lines.append(f'  <{name} {a}/>')

    def question(self, code, field=None, separator=None, values=None, options=None):
        if options:
            self.lines.append(f'  <question code="{code}">')
            for oc, f in options:
                self.lines.append(f'    <option code="{xml_attr(oc)}" field="{xml_attr(f)}"/>')
            self.lines.append('  </question>')
            return
        attrs = {'code': code, 'field': field}
        if separator is not None:
            attrs['separator'] = separator
        self.el('question', values, **attrs)

    def text(self):
        return '\n'.join(self.lines + ['</mapping>', ''])


def write_text(path, text, newline='\n', bom=False):
    data = text.replace('\n', newline) if newline != '\n' else text
    with open(path, 'w', encoding='utf-8-sig' if bom else 'utf-8', newline='') as fh:
        fh.write(data)


STD_FREE = ['UEC-WELL', 'UEC-BETTER', 'COMM-WELL', 'COMM-BETTER', 'MAT-WELL', 'MAT-BETTER',
            'MH-WELL', 'MH-BETTER', 'PLAN-WELL', 'PLAN-BETTER', 'DIGI-IDEAS', 'BUILD-BETTER',
            'CH-FUTURE', 'INTEGRATION', 'PRIORITIES', 'OTHER']


def std_cell(ex, words, p, code, channel, newline='\n', sep=', '):
    """The natural cell for a standard question in a tool that writes labels."""
    q = ex.q(code)
    if code == 'RESPONDENT':
        return q.label(p.respondent)
    if code == 'SERVICES':
        return sep.join(q.label(c) for c in q.codes if c in p.services)
    if code in STD_FREE:
        return words.answer(code, p, channel, newline=newline)
    if code == 'UEC-SAT':
        return q.label(p.uec_sat) if p.uec_sat else ''
    if code == 'DIGI-VIDEO':
        return q.label(p.digi_video) if p.digi_video else ''
    if code == 'RECOMMEND':
        return '' if p.recommend is None else str(p.recommend)
    if code == 'DISTRICT':
        return ex.districts[p.ticked] if p.ticked else ''
    if code == 'POSTCODE':
        return p.postcode
    attr = {'AGE': 'age', 'SEX': 'sex', 'ETHNICITY': 'ethnicity', 'DISABILITY': 'disability',
            'CARER': 'carer'}[code]
    v = getattr(p, attr)
    return q.label(v) if v else ''


def add_std_questions(mw, ex, fields):
    """Maps standard questions; `fields` maps a question code to its field name."""
    for code in ex.order['standard']:
        if code not in fields:
            continue
        if code == 'DISTRICT':
            mw.el('district', field=fields[code])
        elif code == 'POSTCODE':
            mw.el('postcode', field=fields[code])
        else:
            q = ex.q(code)
            sep = ', ' if q.type == 'multiple-choice' else None
            mw.question(code, fields[code], separator=sep)


# ---------------------------------------------------------------------------
# 1. Google Forms
# ---------------------------------------------------------------------------


def make_google(ex, places, out):
    rng = Random(SEED + 1)
    words = Words(rng, places)
    order = ex.order['standard']
    headers = ['Timestamp'] + [ex.q(c).text for c in order]
    rows = []
    for i, t in enumerate(online_times(rng, 200)):
        p = make_person(rng, places, 'online', pin=PINNED_OUTWARD['google'].get(i))
        row = [t.strftime('%d/%m/%Y %H:%M:%S')]
        for c in order:
            row.append(std_cell(ex, words, p, c, 'online'))
        rows.append(row)
    rows[-1][0] = '25/08/2019 23:58:41'  # the last-minute response
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\n')
    w.writerow(headers)
    w.writerows(rows)
    write_text(out / 'google-forms-online.csv', buf.getvalue())

    mw = MapWriter('''
Google Forms: the CSV that "Download responses (.csv)" gives (from the
linked Google Sheet, UK locale). One header row of full question texts,
"Timestamp" in UK style (dd/mm/yyyy hh:mm:ss), checkbox answers joined
with ", " in one cell, multi-line answers quoted. Google Forms has no
respondent id, so this mapping has no <response-id>.
Made up for this project: every answer is fictional.
''', exercise=ex.code, form='standard', channel='online', format='csv', dates='auto')
    mw.el('submitted', field='Timestamp')
    add_std_questions(mw, ex, {c: ex.q(c).text for c in order})
    write_text(out / 'google-forms-online.map.xml', mw.text())
    return {'rows': len(rows), 'planted': words.planted}


# ---------------------------------------------------------------------------
# 2. SurveyMonkey
# ---------------------------------------------------------------------------

SM_OTHER = ['Parish councillor', 'Carer for my husband', 'Retired GP', 'Student nurse',
            'Patient participation group chair', 'Foster carer', 'Local councillor',
            'Governor at the trust']


def make_surveymonkey(ex, places, out):
    rng = Random(SEED + 2)
    words = Words(rng, places)
    order = ex.order['standard']
    fixed = ['Respondent ID', 'Collector ID', 'Start Date', 'End Date', 'IP Address',
             'Email Address', 'First Name', 'Last Name', 'Custom Data 1']
    row1 = list(fixed)
    row2 = [''] * len(fixed)
    services = ex.q('SERVICES')
    for c in order:
        q = ex.q(c)
        if c == 'SERVICES':
            for i, (_oc, lab) in enumerate(q.options):
                row1.append(q.text if i == 0 else '')
                row2.append(lab)
        elif c == 'RESPONDENT':
            row1 += [q.text, '']
            row2 += ['Response', 'Other (please specify)']
        else:
            row1.append(q.text)
            row2.append('Open-Ended Response' if q.type in ('free-text', 'postcode') else 'Response')
    row1 += ['', '']  # the empty columns real exports end with
    row2 += ['', '']
    rid = 10823456789
    rows = []
    collectors = [(234887456, 0.8), (234901233, 0.2)]  # web link; e-mail to the mailing list
    for i, t in enumerate(online_times(rng, 120)):
        p = make_person(rng, places, 'online', pin=PINNED_OUTWARD['surveymonkey'].get(i))
        rid += rng.randrange(150000, 900000)
        coll = rng.choices([c for c, _ in collectors], [w for _, w in collectors])[0]
        start = t - dt.timedelta(seconds=rng.randrange(180, 2400))
        ip = f'{rng.choice(["192.0.2", "198.51.100", "203.0.113"])}.{rng.randrange(1, 255)}'
        email = first = last = custom = ''
        if coll == 234901233:
            f, l = words.name()
            email, first, last = words.email(f, l), f, l
            custom = rng.choice(['newsletter', 'ppg-list', ''])
        row = [str(rid), str(coll), start.strftime('%m/%d/%Y %I:%M:%S %p'),
               t.strftime('%m/%d/%Y %I:%M:%S %p'), ip, email, first, last, custom]
        for c in order:
            if c == 'SERVICES':
                row += [lab if oc in p.services else '' for oc, lab in services.options]
            elif c == 'RESPONDENT':
                row.append(ex.q(c).label(p.respondent))
                row.append(rng.choice(SM_OTHER) if p.respondent == 'other' else '')
            else:
                row.append(std_cell(ex, words, p, c, 'online', newline='\r\n'))
        row += ['', '']
        rows.append(row)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\r\n')
    w.writerow(row1)
    w.writerow(row2)
    w.writerows(rows)
    write_text(out / 'surveymonkey-online.csv', buf.getvalue(), bom=True)

    mw = MapWriter('''
SurveyMonkey: "Export > All individual responses > CSV". UTF-8 with a BOM,
CRLF line ends, TWO header rows (question text, then "Response",
"Open-Ended Response" or an option label), so a field's name is
"Question / Sub" unless the sub is empty or "Response"/"Open-Ended Response".
The checkbox question is one column per option (the cell holds the label
when ticked). Dates are US style (mm/dd/yyyy hh:mm:ss AM). The export ends
with two empty columns, headers and all, as real ones do.
Made up for this project: every answer, name and address is fictional.
''', exercise=ex.code, form='standard', channel='online', format='csv', header_rows='2',
        dates='mm/dd/yyyy')
    mw.el('response-id', field='Respondent ID', required='true', prefix='surveymonkey')
    mw.el('submitted', field='End Date')
    fields = {c: ex.q(c).text for c in order if c != 'SERVICES'}
    for c in order:
        if c == 'SERVICES':
            mw.question('SERVICES', options=[(oc, f'{services.text} / {lab}')
                                             for oc, lab in services.options])
        elif c in fields:
            add_std_questions(mw, ex, {c: fields[c]})
    mw.comment('collector details and personal contact columns: not imported')
    for f in ['Collector ID', 'Start Date', 'IP Address', 'Email Address', 'First Name',
              'Last Name', 'Custom Data 1', f'{ex.q("RESPONDENT").text} / Other (please specify)']:
        mw.el('ignore', field=f)
    write_text(out / 'surveymonkey-online.map.xml', mw.text())
    return {'rows': len(rows), 'planted': words.planted}


# ---------------------------------------------------------------------------
# 3. SmartSurvey (XLSX)
# ---------------------------------------------------------------------------

NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships'


def col_letter(i):
    s = ''
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def excel_serial(t):
    delta = t - dt.datetime(1899, 12, 30)
    return round(delta.days + delta.seconds / 86400, 10)


def write_xlsx(path, sheet_name, rows):
    """rows: lists of cells; a cell is None, ('s', text), ('i', text) inline,
    ('n', number), ('d', serial) date-styled, or ('h', text) a bold header."""
    strings = []
    index = {}
    refs = 0
    out_rows = []
    ncols = max(len(r) for r in rows)
    for ri, row in enumerate(rows, 1):
        cells = []
        for ci, cell in enumerate(row):
            if cell is None:
                continue
            kind, v = cell
            ref = f'{col_letter(ci)}{ri}'
            if kind in ('s', 'h'):
                if v == '':
                    continue
                if v not in index:
                    index[v] = len(strings)
                    strings.append(v)
                refs += 1
                style = ' s="2"' if kind == 'h' else ''
                cells.append(f'<c r="{ref}"{style} t="s"><v>{index[v]}</v></c>')
            elif kind == 'i':
                if v == '':
                    continue
                sp = ' xml:space="preserve"' if v != v.strip() or '\n' in v else ''
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t{sp}>{xml_text(v)}</t></is></c>')
            elif kind == 'n':
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            elif kind == 'd':
                cells.append(f'<c r="{ref}" s="1"><v>{v}</v></c>')
        out_rows.append(f'<row r="{ri}" spans="1:{ncols}">' + ''.join(cells) + '</row>')
    dim = f'A1:{col_letter(ncols - 1)}{len(rows)}'
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
             f'<dimension ref="{dim}"/>'
             f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
             f'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
             f'<sheetFormatPr defaultRowHeight="15"/>'
             f'<cols><col min="1" max="1" width="12" customWidth="1"/>'
             f'<col min="2" max="3" width="20" customWidth="1"/></cols>'
             f'<sheetData>' + ''.join(out_rows) + '</sheetData></worksheet>')
    sst = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<sst xmlns="{NS_MAIN}" count="{refs}" uniqueCount="{len(strings)}">']
    for s in strings:
        sp = ' xml:space="preserve"' if s != s.strip() or '\n' in s else ''
        sst.append(f'<si><t{sp}>{xml_text(s)}</t></si>')
    sst.append('</sst>')
    styles = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              f'<styleSheet xmlns="{NS_MAIN}">'
              '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm:ss"/></numFmts>'
              '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
              '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
              '<fills count="2"><fill><patternFill patternType="none"/></fill>'
              '<fill><patternFill patternType="gray125"/></fill></fills>'
              '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
              '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
              '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
              '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
              '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
              '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
              '</styleSheet>')
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
                '<workbookPr date1904="false"/>'
                f'<sheets><sheet name="{xml_attr(sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
                '</workbook>')
    wb_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               f'<Relationships xmlns="{NS_PKG_REL}">'
               f'<Relationship Id="rId1" Type="{NS_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
               f'<Relationship Id="rId2" Type="{NS_REL}/styles" Target="styles.xml"/>'
               f'<Relationship Id="rId3" Type="{NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
               '</Relationships>')
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          '</Types>')
    parts = [('[Content_Types].xml', ct), ('_rels/.rels', rels), ('xl/workbook.xml', workbook),
             ('xl/_rels/workbook.xml.rels', wb_rels), ('xl/worksheets/sheet1.xml', sheet),
             ('xl/sharedStrings.xml', ''.join(sst)), ('xl/styles.xml', styles)]
    with zipfile.ZipFile(path, 'w') as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(2019, 8, 27, 9, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text.encode('utf-8'))


def make_smartsurvey(ex, places, out):
    rng = Random(SEED + 3)
    words = Words(rng, places)
    order = ex.order['standard']
    services = ex.q('SERVICES')
    headers = ['Response ID', 'Started', 'Ended', 'Status', 'IP Address', 'Tracking Link']
    fields = {}
    n = 0
    for c in order:
        q = ex.q(c)
        n += 1
        if c == 'SERVICES':
            for oc, lab in q.options:
                headers.append(f'{n}. {q.text}: {lab}')
        else:
            fields[c] = f'{n}. {q.text}'
            headers.append(fields[c])
    rows = [[('h', h) for h in headers]]
    rid = 48213577
    for i, t in enumerate(online_times(rng, 100)):
        p = make_person(rng, places, 'online')
        rid += rng.randrange(3, 40)
        partial = rng.random() < 0.04
        start = t - dt.timedelta(seconds=rng.randrange(200, 3000))
        link = rng.choice(['Web Link', 'Web Link', 'Facebook', 'Twitter', 'Email newsletter'])
        row = [('n', rid), ('d', excel_serial(start)), ('d', excel_serial(t)),
               ('s', 'Partial' if partial else 'Completed'),
               ('s', f'{rng.choice(["192.0.2", "198.51.100", "203.0.113"])}.{rng.randrange(1, 255)}'),
               ('i' if i % 9 == 4 else 's', link)]
        for j, c in enumerate(order):
            if partial and j > 8:
                if c == 'SERVICES':
                    row += [None] * len(services.options)
                else:
                    row.append(None)
                continue
            if c == 'SERVICES':
                row += [('n', 1) if oc in p.services else None for oc, _ in services.options]
            elif c == 'RECOMMEND':
                row.append(('n', p.recommend) if p.recommend is not None else None)
            else:
                v = std_cell(ex, words, p, c, 'online')
                kind = 'i' if (c in STD_FREE and v and rng.random() < 0.04) else 's'
                row.append((kind, v))
        rows.append(row)
    write_xlsx(out / 'smartsurvey-online.xlsx', 'Responses', rows)

    mw = MapWriter('''
SmartSurvey: "Export > Excel (XLSX)", one sheet called "Responses". Header
cells carry SmartSurvey's question numbers ("3. Thinking about ..."). Started
and Ended are Excel serial date numbers with a date style; Response ID and
the 0-10 scale are numbers; the checkbox question is one column per option
holding 1 when ticked; text is in the shared strings table, with a few
inline strings. Empty cells are left out of the sheet, as Excel does.
A few responses are partial (Status "Partial"), answered only part way.
Made up for this project: every answer is fictional.
''', exercise=ex.code, form='standard', channel='online', format='xlsx', sheet='Responses',
        dates='auto')
    mw.el('response-id', field='Response ID', required='true', prefix='smartsurvey')
    mw.el('submitted', field='Ended')
    q_n = {c: i + 1 for i, c in enumerate(order)}
    for c in order:
        if c == 'SERVICES':
            mw.question('SERVICES', options=[(oc, f'{q_n[c]}. {services.text}: {lab}')
                                             for oc, lab in services.options])
        else:
            add_std_questions(mw, ex, {c: fields[c]})
    for f in ['Started', 'Status', 'IP Address', 'Tracking Link']:
        mw.el('ignore', field=f)
    write_text(out / 'smartsurvey-online.map.xml', mw.text())
    return {'rows': len(rows) - 1, 'planted': words.planted}


# ---------------------------------------------------------------------------
# 4. KoboToolbox roadshow cards (XForm)
# ---------------------------------------------------------------------------

KOBO_SAT = [('very_satisfied', 'very-satisfied', 'Very satisfied 😀'),
            ('satisfied', 'satisfied', 'Satisfied 🙂'),
            ('neutral', 'neither', 'Neither 😐'),
            ('dissatisfied', 'dissatisfied', 'Dissatisfied 🙁'),
            ('very_dissatisfied', 'very-dissatisfied', 'Very dissatisfied 😠')]
KOBO_VERSION = 'vX7bL3fQ2mRw9sTzK4cJ8d'
KOBO_FORMHUB = '5f2c1a7e9b8d4e03a6c1f0b2d7e4a913'


def make_kobo(ex, places, out):
    rng = Random(SEED + 4)
    words = Words(rng, places)
    folder = out / 'kobo-roadshow'
    if folder.exists():
        shutil.rmtree(folder)
    (folder / 'instances').mkdir(parents=True)
    services = ex.q('SERVICES')
    age = ex.q('AGE')
    roadshows = [c for c, e in ex.events.items() if e['kind'] == 'roadshow']

    items = lambda pairs, ind='      ': ''.join(
        f'\n{ind}<item>\n{ind}  <label>{xml_text(lab)}</label>\n'
        f'{ind}  <value>{xml_text(val)}</value>\n{ind}</item>' for val, lab in pairs)
    ev_items = [(c, f"{ex.events[c]['title'].replace('Roadshow: ', '')} "
                    f"({ex.events[c]['date'].day} {ex.events[c]['date'].strftime('%B')})")
                for c in roadshows]
    form = f'''<?xml version="1.0" encoding="UTF-8"?>
<!--
  Roadshow feedback card, 2019 listening exercise (KoboToolbox / ODK Collect).
  Officers typed the public's feedback cards into tablets at the 10 roadshows.
  Written for this project; the choice values are the exercise's option codes
  except the satisfaction faces, which the mapping translates with <value>.
-->
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:ev="http://www.w3.org/2001/xml-events" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms" xmlns:orx="http://openrosa.org/xforms" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <h:head>
    <h:title>TWB roadshow feedback card 2019</h:title>
    <model odk:xforms-version="1.0.0">
      <instance>
        <data id="twb-roadshow" version="{KOBO_VERSION}">
          <formhub>
            <uuid/>
          </formhub>
          <start/>
          <end/>
          <event/>
          <feedback>
            <uec_well/>
            <uec_better/>
            <services/>
            <satisfaction/>
          </feedback>
          <postcode/>
          <age/>
          <__version__/>
          <meta>
            <instanceID/>
          </meta>
        </data>
      </instance>
      <bind nodeset="/data/start" jr:preload="timestamp" jr:preloadParams="start" type="dateTime"/>
      <bind nodeset="/data/end" jr:preload="timestamp" jr:preloadParams="end" type="dateTime"/>
      <bind nodeset="/data/event" required="true()" type="string"/>
      <bind nodeset="/data/feedback/uec_well" type="string"/>
      <bind nodeset="/data/feedback/uec_better" type="string"/>
      <bind nodeset="/data/feedback/services" type="string"/>
      <bind nodeset="/data/feedback/satisfaction" type="string"/>
      <bind nodeset="/data/postcode" type="string"/>
      <bind nodeset="/data/age" type="string"/>
      <bind calculate="'{KOBO_FORMHUB}'" nodeset="/data/formhub/uuid" type="string"/>
      <bind calculate="'{KOBO_VERSION}'" nodeset="/data/__version__" type="string"/>
      <bind calculate="concat('uuid:', uuid())" nodeset="/data/meta/instanceID" readonly="true()" type="string"/>
    </model>
  </h:head>
  <h:body>
    <select1 ref="/data/event">
      <label>Which roadshow is this card from?</label>{items(ev_items)}
    </select1>
    <group appearance="field-list" ref="/data/feedback">
      <label>Urgent and emergency care</label>
      <input ref="/data/feedback/uec_well">
        <label>{xml_text(ex.q('UEC-WELL').text)}</label>
      </input>
      <input ref="/data/feedback/uec_better">
        <label>{xml_text(ex.q('UEC-BETTER').text)}</label>
      </input>
      <select ref="/data/feedback/services">
        <label>{xml_text(services.text)}</label>{items(services.options, ' ' * 8)}
      </select>
      <select1 appearance="likert" ref="/data/feedback/satisfaction">
        <label>{xml_text(ex.q('UEC-SAT').text)}</label>{items([(v, lab) for v, _c, lab in KOBO_SAT], ' ' * 8)}
      </select1>
    </group>
    <input ref="/data/postcode">
      <label>What is your postcode?</label>
      <hint>The first half is fine, e.g. ST7</hint>
    </input>
    <select1 ref="/data/age">
      <label>{xml_text(age.text)}</label>{items([(c, lab) for c, lab in age.options])}
    </select1>
  </h:body>
</h:html>
'''
    write_text(folder / 'form.xml', form)

    sat_name = {c: v for v, c, _ in KOBO_SAT}
    count = 0
    per_event = [5, 6, 6, 7, 7, 7, 8, 8, 7, 9]  # 70 cards; busier venues gave more
    rng.shuffle(per_event)
    for ev, n in zip(roadshows, per_event):
        when = ex.events[ev]['date']
        for _k in range(n):
            p = event_person(rng, places, ex, 'event-card', ev, (0.35, 0.35))
            u = uuid.UUID(int=rng.getrandbits(128), version=4)
            start = dt.datetime(when.year, when.month, when.day, rng.randrange(9, 15),
                                rng.randrange(60), rng.randrange(60))
            end = start + dt.timedelta(seconds=rng.randrange(60, 420))
            vals = {
                'uec_well': words.card('UEC-WELL', p),
                'uec_better': words.card('UEC-BETTER', p),
                'services': ' '.join(c for c in services.codes if c in p.services),
                'satisfaction': sat_name[p.uec_sat] if p.uec_sat else '',
                'postcode': p.postcode.strip() if rng.random() < 0.8 else p.postcode,
                'age': p.age or '',
            }

            def el(name, v, ind='  '):
                return f'{ind}<{name}>{xml_text(v)}</{name}>' if v else f'{ind}<{name}/>'

            style = ['briefcase', 'kobo', 'orx'][(count + rng.randrange(2)) % 3]
            stamp = lambda t: t.strftime('%Y-%m-%dT%H:%M:%SZ')
            sub = (end + dt.timedelta(minutes=rng.randrange(5, 600)))
            body = [
                '  <formhub>', f'    <uuid>{KOBO_FORMHUB}</uuid>', '  </formhub>',
                el('start', stamp(start)), el('end', stamp(end)), el('event', ev),
                '  <feedback>',
                el('uec_well', vals['uec_well'], '    '), el('uec_better', vals['uec_better'], '    '),
                el('services', vals['services'], '    '),
                el('satisfaction', vals['satisfaction'], '    '),
                '  </feedback>',
                el('postcode', vals['postcode']), el('age', vals['age']),
                el('__version__', KOBO_VERSION),
            ]
            if style == 'briefcase':
                head = (f'<data id="twb-roadshow" instanceID="uuid:{u}" version="{KOBO_VERSION}" '
                        f'submissionDate="{sub.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]}Z" '
                        f'isComplete="true" markedAsCompleteDate="{sub.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]}Z" '
                        f'xmlns="http://opendatakit.org/submissions">')
                meta = ['  <n0:meta xmlns:n0="http://openrosa.org/xforms">',
                        f'    <n0:instanceID>uuid:{u}</n0:instanceID>', '  </n0:meta>']
                text = '\n'.join([head] + body + meta + ['</data>', ''])
            elif style == 'kobo':
                head = ('<?xml version=\'1.0\' ?><data xmlns:jr="http://openrosa.org/javarosa" '
                        'xmlns:orx="http://openrosa.org/xforms" '
                        f'id="twb-roadshow" version="{KOBO_VERSION}">')
                meta = ['  <meta>', f'    <instanceID>uuid:{u}</instanceID>', '  </meta>']
                text = '\n'.join([head] + body + meta + ['</data>', ''])
            else:
                head = ('<data xmlns:jr="http://openrosa.org/javarosa" '
                        'xmlns:orx="http://openrosa.org/xforms" '
                        f'id="twb-roadshow" version="{KOBO_VERSION}">')
                meta = ['  <orx:meta>', f'    <orx:instanceID>uuid:{u}</orx:instanceID>',
                        '  </orx:meta>']
                text = ''.join(line.strip() for line in [head] + body + meta + ['</data>'])
            write_text(folder / 'instances' / f'{u}.xml', text)
            count += 1

    mw = MapWriter('''
KoboToolbox / ODK: roadshow feedback cards typed into tablets. The form
definition is kobo-roadshow/form.xml; each submission is one file in
kobo-roadshow/instances/. Three shapes of submission are mixed, as a real
collection gathered from several routes would be: ODK Briefcase's (default
namespace http://opendatakit.org/submissions, <n0:meta>), Kobo's own
(no namespace, <meta>) and one-line files with an orx: prefixed meta.
Field names are element paths below <data>, without namespace prefixes.
Made up for this project: every answer is fictional.
''', exercise=ex.code, form='standard', channel='event-card', format='xform', dates='iso')
    mw.el('response-id', field='meta/instanceID', required='true', prefix='kobo')
    mw.el('submitted', field='end')
    mw.el('event', field='event')
    mw.el('postcode', field='postcode')
    mw.question('UEC-WELL', 'feedback/uec_well')
    mw.question('UEC-BETTER', 'feedback/uec_better')
    mw.question('SERVICES', 'feedback/services', separator=' ')
    mw.question('UEC-SAT', 'feedback/satisfaction',
                values=[(v, c) for v, c, _ in KOBO_SAT if v != c])
    mw.question('AGE', 'age')
    for f in ['formhub/uuid', 'start', '__version__']:
        mw.el('ignore', field=f)
    write_text(out / 'kobo-roadshow.map.xml', mw.text())
    return {'rows': count, 'planted': words.planted}


# ---------------------------------------------------------------------------
# 5. LimeSurvey (.lss structure, .lsr responses)
# ---------------------------------------------------------------------------

LS_SID = 581926
LS_DBVERSION = 359


def ls_questions(ex):
    """(qid, gid, type, title, exercise code, other, answer codes->option code)."""
    A = lambda codes: {f'A{i + 1}': c for i, c in enumerate(codes)}
    std = ex.forms['standard']
    return [
        (1, 1, 'L', 'RESPONDENT', 'RESPONDENT', 'Y', A(['public', 'staff', 'voluntary'])),
        (2, 1, 'M', 'SERVICES', 'SERVICES', 'N', None),
        (3, 2, 'T', 'UECWELL', 'UEC-WELL', 'N', None),
        (4, 2, 'T', 'UECBETTER', 'UEC-BETTER', 'N', None),
        (5, 2, 'L', 'UECSAT', 'UEC-SAT', 'N', A(std['UEC-SAT'].codes)),
        (6, 3, 'T', 'COMMWELL', 'COMM-WELL', 'N', None),
        (7, 3, 'T', 'COMMBETTER', 'COMM-BETTER', 'N', None),
        (8, 3, 'T', 'MHWELL', 'MH-WELL', 'N', None),
        (9, 3, 'T', 'MHBETTER', 'MH-BETTER', 'N', None),
        (10, 4, 'L', 'DIGIVIDEO', 'DIGI-VIDEO', 'N', A(std['DIGI-VIDEO'].codes)),
        (11, 4, 'T', 'DIGIIDEAS', 'DIGI-IDEAS', 'N', None),
        (12, 4, 'T', 'CHFUTURE', 'CH-FUTURE', 'N', None),
        (13, 5, 'T', 'PRIORITIES', 'PRIORITIES', 'N', None),
        (14, 5, 'N', 'RECOMMEND', 'RECOMMEND', 'N', None),
        (15, 5, 'T', 'OTHER', 'OTHER', 'N', None),
        (16, 6, '!', 'DISTRICT', 'DISTRICT', 'N',
         {f'D{i + 1:02d}': c for i, c in enumerate(ex.districts)}),
        (17, 6, 'S', 'POSTCODE', 'POSTCODE', 'N', None),
        (18, 6, 'L', 'AGE', 'AGE', 'N', A(std['AGE'].codes)),
        (19, 6, 'G', 'SEX', 'SEX', 'N', {'F': 'female', 'M': 'male'}),
        (20, 6, 'Y', 'CARER', 'CARER', 'N', {'Y': 'yes', 'N': 'no'}),
    ]


LS_GROUPS = [(1, 'Your use of services', 'Which services you have used and why you are responding.'),
             (2, 'Urgent and emergency care', ''),
             (3, 'Care in your community', 'Including mental health services.'),
             (4, 'Technology, buildings and community hospitals', ''),
             (5, 'Priorities', ''),
             (6, 'About you', 'We use these answers only to check we have heard from everyone.')]


def cdata(v):
    return f'<![CDATA[{v}]]>'


def ls_table(name, fields, rows, indent=' '):
    out = [f'{indent}<{name}>', f'{indent} <fields>']
    out += [f'{indent}  <fieldname>{f}</fieldname>' for f in fields]
    out += [f'{indent} </fields>', f'{indent} <rows>']
    for r in rows:
        out.append(f'{indent}  <row>')
        for f in fields:
            v = r.get(f)
            if v is None or v == '':
                out.append(f'{indent}   <{f}/>')
            else:
                out.append(f'{indent}   <{f}>{cdata(v)}</{f}>')
        out.append(f'{indent}  </row>')
    out += [f'{indent} </rows>', f'{indent}</{name}>']
    return out


def make_limesurvey(ex, places, out):
    rng = Random(SEED + 5)
    words = Words(rng, places)
    qs = ls_questions(ex)
    services = ex.q('SERVICES')
    sub = [(21 + i, f'SQ{i + 1:03d}', oc, lab) for i, (oc, lab) in enumerate(services.options)]
    lang = 'en'
    # --- structure ---
    answers = []
    for qid, gid, typ, title, code, other, amap in qs:
        if typ in ('L', '!') and amap:
            q = ex.q(code)
            for i, (acode, oc) in enumerate(amap.items()):
                label = ex.districts[oc] if code == 'DISTRICT' else q.label(oc)
                answers.append({'qid': qid, 'code': acode, 'answer': label, 'sortorder': i + 1,
                                'assessment_value': 0, 'language': lang, 'scale_id': 0})
    groups = [{'gid': gid, 'sid': LS_SID, 'group_name': name, 'group_order': i,
               'description': desc, 'language': lang, 'randomization_group': '',
               'grelevance': ''} for i, (gid, name, desc) in enumerate(LS_GROUPS)]
    qfields = ['qid', 'parent_qid', 'sid', 'gid', 'type', 'title', 'question', 'preg', 'help',
               'other', 'mandatory', 'question_order', 'language', 'scale_id', 'same_default',
               'relevance', 'modulename']
    qrows = []
    order_in_group = {}
    for qid, gid, typ, title, code, other, amap in qs:
        q = ex.q(code)
        order_in_group[gid] = order_in_group.get(gid, -1) + 1
        qrows.append({'qid': qid, 'parent_qid': 0, 'sid': LS_SID, 'gid': gid, 'type': typ,
                      'title': title, 'question': q.text, 'preg': '',
                      'help': 'Choose a number from 0 to 10.' if code == 'RECOMMEND' else '',
                      'other': other, 'mandatory': 'N',
                      'question_order': order_in_group[gid], 'language': lang, 'scale_id': 0,
                      'same_default': 0, 'relevance': '1', 'modulename': ''})
    subrows = [{'qid': sqid, 'parent_qid': 2, 'sid': LS_SID, 'gid': 1, 'type': 'T',
                'title': t, 'question': lab, 'preg': '', 'help': '', 'other': 'N',
                'mandatory': 'N', 'question_order': i + 1, 'language': lang, 'scale_id': 0,
                'same_default': 0, 'relevance': '1', 'modulename': ''}
               for i, (sqid, t, _oc, lab) in enumerate(sub)]
    attrs = [{'qid': 14, 'attribute': 'min_num_value_n', 'value': '0'},
             {'qid': 14, 'attribute': 'max_num_value_n', 'value': '10'},
             {'qid': 14, 'attribute': 'num_value_int_only', 'value': '1'},
             {'qid': 17, 'attribute': 'maximum_chars', 'value': '8'},
             {'qid': 2, 'attribute': 'display_columns', 'value': '2'},
             {'qid': 1, 'attribute': 'other_replace_text', 'value': 'Other (please say)'}]
    survey = {'sid': LS_SID, 'admin': 'Engagement team', 'expires': '2019-08-25 23:59:59',
              'startdate': '2019-06-03 00:00:00', 'adminemail': 'engagement@example.org',
              'anonymized': 'Y', 'format': 'G', 'savetimings': 'N', 'template': 'fruity',
              'language': lang, 'datestamp': 'Y', 'usecookie': 'N', 'allowsave': 'Y',
              'ipaddr': 'N', 'showprogress': 'Y', 'showwelcome': 'Y', 'usetokens': 'N'}
    surveyls = {'surveyls_survey_id': LS_SID, 'surveyls_language': lang,
                'surveyls_title': 'Health and care in Staffordshire and Stoke-on-Trent: have your say',
                'surveyls_description': 'A 12-week public conversation about health and care. '
                                        'Fictional sample for testing, made for this project.',
                'surveyls_welcometext': 'Thank you for taking part.',
                'surveyls_endtext': 'Thank you. Your views will be read by the engagement team.',
                'surveyls_dateformat': '5', 'surveyls_numberformat': '0'}
    doc = ['<?xml version="1.0" encoding="UTF-8"?>', '<document>',
           ' <LimeSurveyDocType>Survey</LimeSurveyDocType>',
           f' <DBVersion>{LS_DBVERSION}</DBVersion>',
           ' <languages>', f'  <language>{lang}</language>', ' </languages>']
    doc += ls_table('answers', ['qid', 'code', 'answer', 'sortorder', 'assessment_value',
                                'language', 'scale_id'], answers)
    doc += ls_table('groups', ['gid', 'sid', 'group_name', 'group_order', 'description',
                               'language', 'randomization_group', 'grelevance'], groups)
    doc += ls_table('questions', qfields, qrows)
    doc += ls_table('subquestions', qfields, subrows)
    doc += ls_table('question_attributes', ['qid', 'attribute', 'value'], attrs)
    doc += ls_table('surveys', list(survey), [survey])
    doc += ls_table('surveys_languagesettings', list(surveyls), [surveyls])
    doc.append('</document>')
    write_text(out / 'limesurvey-online.lss', '\n'.join(doc) + '\n')

    # --- responses ---
    fixed = ['id', 'submitdate', 'lastpage', 'startlanguage', 'seed', 'startdate', 'datestamp']
    sgqa = []  # (fieldname, question tuple, suffix)
    for qt in qs:
        qid, gid, typ, title = qt[:4]
        base = f'{LS_SID}X{gid}X{qid}'
        if typ == 'M':
            for sqid, t, oc, _lab in sub:
                sgqa.append((base + t, qt, t))
        else:
            sgqa.append((base, qt, ''))
            if qt[5] == 'Y':
                sgqa.append((base + 'other', qt, 'other'))
    rows = []
    for i, t in enumerate(online_times(rng, 60)):
        p = make_person(rng, places, 'online', pin=PINNED_OUTWARD['limesurvey'].get(i))
        incomplete = i in (11, 37, 52)
        start = t - dt.timedelta(seconds=rng.randrange(240, 2400))
        r = {'id': str(i + 1), 'lastpage': '6', 'startlanguage': lang,
             'seed': str(rng.randrange(10 ** 8, 10 ** 10)),
             'startdate': start.strftime('%Y-%m-%d %H:%M:%S'),
             'datestamp': t.strftime('%Y-%m-%d %H:%M:%S')}
        if not incomplete:
            r['submitdate'] = t.strftime('%Y-%m-%d %H:%M:%S')
        last_group = rng.choice([1, 2, 3]) if incomplete else 6
        if incomplete:
            r['lastpage'] = str(last_group)
        for fname, (qid, gid, typ, title, code, other, amap), suffix in sgqa:
            if gid > last_group:
                r[fname] = None  # not reached: left out of the row
                continue
            v = ''
            if typ == 'M':
                oc = next(oc for _s, tt, oc, _l in sub if tt == suffix)
                v = 'Y' if oc in p.services else ''
            elif typ == 'T':
                v = words.answer(code, p, 'online')
            elif code == 'RESPONDENT':
                if suffix == 'other':
                    v = rng.choice(SM_OTHER) if p.respondent == 'other' else ''
                else:
                    v = '-oth-' if p.respondent == 'other' else \
                        {c: a for a, c in amap.items()}[p.respondent]
            elif typ in ('L', '!', 'G', 'Y'):
                val = {'UEC-SAT': p.uec_sat, 'DIGI-VIDEO': p.digi_video, 'DISTRICT': p.ticked,
                       'AGE': p.age,
                       'SEX': p.sex if p.sex in ('female', 'male') else None,
                       'CARER': p.carer if p.carer in ('yes', 'no') else None}[code]
                v = {c: a for a, c in amap.items()}[val] if val else ''
            elif typ == 'N':
                v = '' if p.recommend is None else str(p.recommend)
            elif typ == 'S':
                v = p.postcode
            r[fname] = v
        rows.append(r)
    fieldnames = fixed + [f for f, _q, _s in sgqa]
    lsr = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<document><LimeSurveyDocType>Responses</LimeSurveyDocType><DBVersion>{LS_DBVERSION}'
           f'</DBVersion><languages><language>{lang}</language></languages><responses><fields>'
           + ''.join(f'<fieldname>{f}</fieldname>' for f in fieldnames) + '</fields><rows>']
    for r in rows:
        cells = []
        for f in fieldnames:
            tag = f if f in fixed else '_' + f
            if f not in r or r[f] is None:
                continue
            v = r[f]
            cells.append(f'<{tag}>{cdata(v)}</{tag}>' if v != '' else f'<{tag}/>')
        lsr.append('<row>' + ''.join(cells) + '</row>')
    lsr.append('</rows></responses></document>')
    write_text(out / 'limesurvey-online.lsr', '\n'.join(lsr) + '\n')

    mw = MapWriter(f'''
LimeSurvey: the survey structure (limesurvey-online.lss) and the response
export (limesurvey-online.lsr, "Export responses" as XML) of survey {LS_SID}.
The .lsr names its fields by SGQA code (survey X group X question, plus a
subquestion title or "other"); through the .lss they become LimeSurvey's
question-code headings: "UECWELL", "SERVICES[SQ001]", "RESPONDENT[other]".
Lists hold answer codes (A1..), the gender question F/M, the yes/no question
Y/N, so <value> says which option each stands for. Multiple choice is "Y"
or empty per subquestion. Three responses are incomplete: no submitdate,
and the fields of pages never reached are missing from the row.
Made up for this project: every answer is fictional.
''', exercise=ex.code, form='standard', channel='online', format='limesurvey', dates='auto')
    mw.el('response-id', field='id', required='true')
    mw.el('submitted', field='submitdate')
    for qid, gid, typ, title, code, other, amap in qs:
        if code == 'SERVICES':
            mw.question('SERVICES', options=[(oc, f'SERVICES[{t}]') for _s, t, oc, _l in sub])
        elif code == 'DISTRICT':
            mw.el('district', values=list(amap.items()), field=title)
        elif code == 'POSTCODE':
            mw.el('postcode', field=title)
        elif amap:
            vals = list(amap.items())
            if other == 'Y':
                vals.append(('-oth-', 'other'))
            mw.question(code, title, values=vals)
        else:
            mw.question(code, title)
    mw.comment('"Other" text of RESPONDENT, and LimeSurvey\'s bookkeeping fields')
    for f in ['RESPONDENT[other]', 'lastpage', 'startlanguage', 'seed', 'startdate', 'datestamp']:
        mw.el('ignore', field=f)
    write_text(out / 'limesurvey-online.map.xml', mw.text())
    return {'rows': len(rows), 'planted': words.planted}


# ---------------------------------------------------------------------------
# 6. Paper questionnaires typed up by officers
# ---------------------------------------------------------------------------

OFFICERS = ['J. Patel', 'S. Hughes', 'K. Nowak', 'R. Evans', 'M. Boulton', 'A. Iqbal', 'T. Salt']

PAPER_SERVICES = {
    'gp': ['GP', 'GP', 'gp', 'GP practice', 'Doctor'],
    'pharmacy': ['Pharmacy', 'Chemist', 'pharmacy'],
    'nhs-111': ['111', 'NHS 111'],
    'a-and-e': ['A&E', 'A and E', 'A&E'],
    'miu-wic': ['MIU', 'Walk-in', 'walk in'],
    'community-hospital': ['Community hosp', 'Community hospital'],
    'mental-health': ['MH', 'Mental health'],
    'maternity': ['Maternity'],
    'social-care': ['Social care', 'Soc care'],
    'none': ['None'],
}
PAPER_SERVICE_VALUES = [('Doctor', 'gp'), ('Chemist', 'pharmacy'), ('111', 'nhs-111'),
                        ('A&E', 'a-and-e'), ('A and E', 'a-and-e'), ('MIU', 'miu-wic'),
                        ('Walk-in', 'miu-wic'), ('walk in', 'miu-wic'),
                        ('Community hosp', 'community-hospital'),
                        ('MH', 'mental-health'), ('Mental health', 'mental-health'),
                        ('Maternity', 'maternity'), ('Soc care', 'social-care')]
PAPER_DISTRICT = {'E07000195': ['Newcastle', 'Newcastle-under-Lyme', 'N-u-L'],
                  'E06000021': ['Stoke', 'Stoke-on-Trent', 'Stoke on Trent'],
                  'E07000198': ['Moorlands', 'Staffordshire Moorlands'],
                  'E07000196': ['S Staffs', 'South Staffordshire'],
                  'E07000193': ['E Staffs', 'East Staffordshire', 'Burton'],
                  'E07000192': ['Cannock', 'Cannock Chase'],
                  'E07000194': ['Lichfield'], 'E07000197': ['Stafford'], 'E07000199': ['Tamworth']}
PAPER_SHORT = {
    'RESPONDENT': 'Responding as', 'SERVICES': 'Services used (Q2)',
    'UEC-WELL': 'Q3 Urgent care - works well', 'UEC-BETTER': 'Q4 Urgent care - could be better',
    'UEC-SAT': 'Q5 Urgent care satisfaction', 'COMM-WELL': 'Q6 Community - works well',
    'COMM-BETTER': 'Q7 Community - could be better', 'MAT-WELL': 'Q8 Maternity - works well',
    'MAT-BETTER': 'Q9 Maternity - could be better', 'MH-WELL': 'Q10 Mental health - works well',
    'MH-BETTER': 'Q11 Mental health - could be better', 'PLAN-WELL': 'Q12 Planned care - works well',
    'PLAN-BETTER': 'Q13 Planned care - could be better', 'DIGI-VIDEO': 'Q14 Video appts?',
    'DIGI-IDEAS': 'Q15 Technology ideas', 'BUILD-BETTER': 'Q16 Buildings',
    'CH-FUTURE': 'Q17 Community hospitals', 'INTEGRATION': 'Q18 Integration means',
    'PRIORITIES': 'Q19 Priorities', 'RECOMMEND': 'Q20 Recommend (0-10)',
    'OTHER': 'Q21 Anything else', 'DISTRICT': 'Area ticked', 'POSTCODE': 'Postcode',
    'AGE': 'Age', 'SEX': 'Sex', 'ETHNICITY': 'Ethnicity', 'DISABILITY': 'Disability',
    'CARER': 'Carer',
}


def make_paper(ex, places, out):
    rng = Random(SEED + 6)
    words = Words(rng, places)
    order = ex.order['standard']
    listening = [c for c, e in ex.events.items() if e['kind'] == 'listening-event']
    roadshows = [c for c, e in ex.events.items() if e['kind'] == 'roadshow']
    # Every listening event gets forms; some roadshows too; some came by Freepost.
    plan = []
    for c in listening:
        plan += [c] * rng.choice([3, 3, 4])
    plan += rng.sample(roadshows, 4)
    while len(plan) < 52:
        plan.append(rng.choice(listening))
    plan = plan[:52] + [''] * 8
    plan.sort(key=lambda c: (ex.events[c]['date'] if c else CLOSES, c))
    headers = ['Serial', 'Event', 'Officer', 'Date on form'] + [PAPER_SHORT[c] for c in order]
    rows = []
    serial = 0
    for ev in plan:
        serial += rng.choices([1, 2], [92, 8])[0]  # spoilt or missing forms leave gaps
        p = event_person(rng, places, ex, 'paper', ev or None, (0.65, 0.10))
        if ev:
            d = ex.events[ev]['date'] + dt.timedelta(days=rng.choices([0, 1, 3, 9], [80, 8, 7, 5])[0])
        else:
            d = OPENS + dt.timedelta(days=rng.randrange(0, (CLOSES - OPENS).days + 1))
        date_s = '' if rng.random() < 0.05 else d.strftime('%d/%m/%Y')
        row = [f'P-{serial:04d}', ev, rng.choice(OFFICERS), date_s]
        for c in order:
            q = ex.q(c)
            if c == 'SERVICES':
                picks = [rng.choice(PAPER_SERVICES[s]) for s in q.codes if s in p.services]
                row.append(rng.choice(['; ', ';', ' ; ']).join(picks))
            elif c == 'RESPONDENT':
                row.append(rng.choice({'public': ['Public', 'public', 'Member of public'],
                                       'staff': ['Staff', 'NHS staff'],
                                       'voluntary': ['Vol org', 'Voluntary'],
                                       'other': ['Other']}[p.respondent]))
            elif c == 'UEC-SAT':
                row.append({'very-satisfied': rng.choice(['Very satisfied', 'V satisfied']),
                            'satisfied': 'Satisfied', 'neither': 'Neither',
                            'dissatisfied': 'Dissatisfied',
                            'very-dissatisfied': rng.choice(['Very dissatisfied', 'V dissatisfied']),
                            None: ''}[p.uec_sat])
            elif c == 'DISTRICT':
                row.append(rng.choice(PAPER_DISTRICT[p.ticked]) if p.ticked else '')
            elif c == 'SEX':
                row.append({'female': rng.choice(['F', 'Female']), 'male': rng.choice(['M', 'Male']),
                            'self-describe': 'Self-describe', 'prefer-not': 'Prefer not to say',
                            None: ''}[p.sex])
            elif c in ('DISABILITY', 'CARER'):
                v = getattr(p, c.lower())
                row.append({'yes': rng.choice(['Y', 'Yes']), 'no': rng.choice(['N', 'No']),
                            'prefer-not': 'Prefer not to say', None: ''}[v])
            elif c == 'ETHNICITY':
                row.append({'white': rng.choice(['White', 'White British', 'White']),
                            'mixed': 'Mixed', 'asian': rng.choice(['Asian', 'Asian British']),
                            'black': 'Black', 'other': 'Other', 'prefer-not': 'Prefer not to say',
                            None: ''}[p.ethnicity])
            else:
                row.append(std_cell(ex, words, p, c, 'paper'))
        rows.append(row)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\r\n')
    w.writerow(headers)
    w.writerows(rows)
    write_text(out / 'paper-forms.csv', buf.getvalue(), bom=True)

    mw = MapWriter('''
Paper questionnaires typed up by engagement officers in a spreadsheet and
saved from Excel as "CSV UTF-8" (so: a BOM and CRLF line ends). One row per
form: its serial number, the event where it was handed in (empty for forms
returned by Freepost), the officer, the date written on the form, then the
standard questions under the officers' own short headings. Officers type
shorthand ("A&E; 111; GP", "V dissatisfied", "F", "Y", "Moorlands"), so
this mapping lists those as <value>s. Some serials are missing (spoilt
forms). "[illegible]" marks handwriting the officer could not read.
Made up for this project: every answer is fictional.
''', exercise=ex.code, form='standard', channel='paper', format='csv', dates='dd/mm/yyyy')
    mw.el('serial', field='Serial')
    mw.el('event', field='Event')
    mw.el('submitted', field='Date on form')
    values = {
        'SERVICES': PAPER_SERVICE_VALUES,
        'RESPONDENT': [('Member of public', 'public'), ('NHS staff', 'staff'),
                       ('Vol org', 'voluntary'), ('Voluntary', 'voluntary')],
        'UEC-SAT': [('V satisfied', 'very-satisfied'), ('V dissatisfied', 'very-dissatisfied')],
        'SEX': [('F', 'female'), ('M', 'male')],
        'DISABILITY': [('Y', 'yes'), ('N', 'no')],
        'CARER': [('Y', 'yes'), ('N', 'no')],
        'ETHNICITY': [('White British', 'white'), ('Asian British', 'asian')],
    }
    for c in order:
        f = PAPER_SHORT[c]
        if c == 'DISTRICT':
            dv = [(v, d) for d, vs in PAPER_DISTRICT.items() for v in vs
                  if v.lower() != ex.districts[d].lower()]
            mw.el('district', values=dv, field=f)
        elif c == 'POSTCODE':
            mw.el('postcode', field=f)
        else:
            mw.question(c, f, separator=';' if c == 'SERVICES' else None, values=values.get(c))
    mw.el('officer', field='Officer')
    write_text(out / 'paper-forms.map.xml', mw.text())
    return {'rows': len(rows), 'planted': words.planted}


# ---------------------------------------------------------------------------
# 7. Easy Read paper forms
# ---------------------------------------------------------------------------

ER_HEAD = {
    'ER-HELP-GOOD': 'Good about getting help quickly', 'ER-HELP-BETTER': 'What could be better',
    'ER-HELP-FEEL': 'How do you feel (face)', 'ER-MIND': 'Help for your mind',
    'ER-INTERNET': 'Doctor on the internet?', 'ER-TOGETHER': 'Work together better',
    'ER-IMPORTANT': 'Most important', 'ER-ANYTHING': 'Anything else',
    'ER-POSTCODE': 'Postcode', 'ER-AGE': 'Age', 'ER-CARER': 'Look after someone?',
}


def make_easy_read(ex, places, out):
    rng = Random(SEED + 7)
    words = Words(rng, places)
    er = ex.forms['easy-read']
    order = ex.order['easy-read']
    svc = er['ER-SERVICES']
    events = list(ex.events)
    plan = rng.sample(events, len(events))
    while len(plan) < 45:
        plan.append(rng.choice(events))
    plan.sort(key=lambda c: (ex.events[c]['date'], c))
    headers = ['Serial', 'Event', 'Officer']
    for c in order:
        if c == 'ER-SERVICES':
            headers += [f'Used: {lab}' for _oc, lab in svc.options]
        else:
            headers.append(ER_HEAD[c])
    to_er = {std: er_code for er_code, std in EASY_MAPS['ER-SERVICES'].items()}
    feel = {'very-satisfied': 'good', 'satisfied': 'good', 'neither': 'ok',
            'dissatisfied': 'bad', 'very-dissatisfied': 'bad'}
    rows = []
    for i, ev in enumerate(plan):
        p = event_person(rng, places, ex, 'easy-read', ev, (0.40, 0.10))
        row = [f'E-{i + 1:04d}', ev, rng.choice(OFFICERS)]
        used = {to_er[s] for s in p.services if s in to_er}
        for c in order:
            q = er[c]
            if c == 'ER-SERVICES':
                mark = rng.choice(['x', 'X', '✓', '1', 'yes', 'x'])
                row += [mark if oc in used else '' for oc in q.codes]
            elif c == 'ER-HELP-FEEL':
                v = feel.get(p.uec_sat)
                row.append('' if not v else rng.choice({'good': ['Good', 'good', 'Good'],
                                                        'ok': ['OK', 'ok', 'Okay'],
                                                        'bad': ['Bad', 'bad', 'Bad']}[v]))
            elif c == 'ER-INTERNET':
                row.append(q.label(p.digi_video) if p.digi_video else '')
            elif c == 'ER-POSTCODE':
                row.append(p.postcode)
            elif c == 'ER-AGE':
                a = {'prefer-not': 'not-say'}.get(p.age, p.age)
                row.append('' if not a else (q.label(a) if rng.random() < 0.8 else a))
            elif c == 'ER-CARER':
                v = {'prefer-not': 'not-say'}.get(p.carer, p.carer)
                row.append(q.label(v) if v else '')
            else:
                row.append(words.er_answer(c, p))
        rows.append(row)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\r\n')
    w.writerow(headers)
    w.writerows(rows)
    write_text(out / 'easy-read-paper.csv', buf.getvalue())

    mw = MapWriter('''
Easy Read paper forms, typed up by officers after listening events and
roadshows. UTF-8 without a BOM, CRLF line ends. Question codes are the
Easy Read ones (ER-...) and answers use the Easy Read options ("Good",
"OK", "Bad", "My doctor (GP)"). The "which of these have you used" boxes
are one column each, ticked with whatever the officer typed: x, X, ✓, 1
or yes. Some ages are typed as the code ("25-34") rather than the label.
Made up for this project: every answer is fictional.
''', exercise=ex.code, form='easy-read', channel='easy-read-paper', format='csv')
    mw.el('serial', field='Serial')
    mw.el('event', field='Event')
    for c in order:
        if c == 'ER-SERVICES':
            mw.question(c, options=[(oc, f'Used: {lab}') for oc, lab in svc.options])
        elif c == 'ER-POSTCODE':
            mw.el('postcode', field=ER_HEAD[c])
        elif c == 'ER-HELP-FEEL':
            mw.question(c, ER_HEAD[c], values=[('Okay', 'ok')])
        else:
            mw.question(c, ER_HEAD[c])
    mw.el('officer', field='Officer')
    write_text(out / 'easy-read-paper.map.xml', mw.text())
    return {'rows': len(rows), 'planted': words.planted}


# Easy Read option code -> the standard option it maps to, per question.
EASY_MAPS = {}


def load_easy_maps(path):
    root = ET.parse(path).getroot()
    for qn in root.findall('questionnaire'):
        if qn.get('variant') != 'easy-read':
            continue
        for q in qn.findall('question'):
            EASY_MAPS[q.get('code')] = {o.get('code'): o.get('maps-to') for o in q.findall('option')}


# ---------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------

README = '''# Sample survey exports

Exports of the 2019 listening exercise (`samples/exercise-2019.xml`) as the
tools that collect responses write them, each with the mapping file
(`*.map.xml`, format in `schema/mapping.rng`) that tells `collector` which
field is which question. They are written by `tools/make_samples.py`, which
also checks them (`python3 tools/make_samples.py --check`); change the
generator, not the files, and run it again.

**All content is fictional, made for this project.** No answer comes from a
real person. Names are invented; e-mail addresses are at example.com and
example.org; phone numbers are in Ofcom's ranges reserved for drama
(07700 900xxx, 01632 960xxx, 0121 496 0xxx, 020 7946 0xxx); NHS numbers are
in the 999 range, which is never issued (their check digits are valid, so
redaction has to find them as real ones); IP addresses are in the
documentation ranges. Full postcodes are real postcodes of the area, taken
from `samples/postcodes/staffs-postcodes.csv` (Code-Point Open, Open
Government Licence), so districts resolve as they would for real responses.
About one free-text answer in twenty contains personal data that
redaction must remove (e-mail addresses, phone numbers, NHS numbers,
postcodes in sentences, names after "my name is", "I am", "Dr", "Nurse",
"Mr/Mrs/Ms"), next to look-alikes that are not personal data ("waited 4
hours in A&E", "ward 12", "bus 101", "£3.50 parking", "2019", "Dr Google",
"the A500", "rang 999").

{paragraphs}

Across the files: {total} responses; every district is represented through
full postcodes, the events and ticked districts; all 23 events (13
listening events, 10 roadshows) appear in the paper, Easy Read and roadshow
files; submission dates run from 3 June to 25 August 2019.
'''

PARAGRAPHS = [
    ('google-forms-online.csv', '''**`google-forms-online.csv`** imitates a Google Forms response download
(the CSV of its linked sheet, UK locale). Channel `online`, {rows} rows.
UTF-8 without a BOM, LF line ends, one header row of full question texts,
"Timestamp" first in UK style (`05/06/2019 10:11:12`, read with
`dates="auto"`), checkbox answers joined with ", " in one cell (the mapping
gives `separator=", "`), quoted answers over several lines, curly
apostrophes from phone keyboards, emoji, and no respondent id, so the
mapping has no `<response-id>`.'''),
    ('surveymonkey-online.csv', '''**`surveymonkey-online.csv`** imitates SurveyMonkey's "All individual
responses" CSV. Channel `online`, {rows} rows. UTF-8 with a BOM, CRLF line
ends (also inside quoted answers), two header rows (`header-rows="2"`: field
names are "Question / Sub"), 11-digit Respondent IDs, collector and contact
columns (ignored by the mapping), US dates (`06/14/2019 09:05:31 AM`,
`dates="mm/dd/yyyy"`), the services question as one column per option
holding the option label when ticked, an "Other (please specify)" column, and
two empty columns at the end, as real exports have. The importer should
skip a column whose header cells and values are all empty.'''),
    ('smartsurvey-online.xlsx', '''**`smartsurvey-online.xlsx`** imitates a SmartSurvey Excel export: one sheet
named "Responses". Channel `online`, {rows} rows. Headers carry the
question numbers; Response ID, the 0-10 scale and the ticks (1) of the
one-column-per-option services question are number cells; "Started" and
"Ended" are Excel serial dates with a `dd/mm/yyyy hh:mm:ss` style; text is in
the shared strings table, with a few inline strings; empty cells are left
out of the sheet. A few responses are partial.'''),
    ('kobo-roadshow', '''**`kobo-roadshow/`** with **`kobo-roadshow.map.xml`** imitates KoboToolbox / ODK:
`form.xml` is the XForm (an `h:html` with a model whose primary instance is
`<data id="twb-roadshow">`), and `instances/` holds one submission file per
feedback card, {rows} in all, five to nine from each of the 10 roadshows. Channel
`event-card`. Submissions come in three shapes: ODK Briefcase's (default
namespace `http://opendatakit.org/submissions` and an `n0:meta` block),
Kobo's own (`<meta>`, no namespace) and one-line files with an `orx:meta`.
The select_multiple answer is space-separated option names (the exercise's
option codes); the satisfaction faces use their own names
(`very_satisfied`, `neutral`) mapped with `<value>`. Postcodes are often
only the first half (`ST7`), as people give them at a stall.'''),
    ('limesurvey-online.lsr', '''**`limesurvey-online.lss`** and **`limesurvey-online.lsr`** imitate a LimeSurvey
survey structure and its XML response export (survey {sid}). Channel
`online`, {rows} rows. The `.lsr` names fields by SGQA code
(`{sid}X2X3`, `{sid}X1X2SQ001`, `{sid}X1X1other`); the `.lss` turns them
into the question-code headings the mapping uses (`UECWELL`,
`SERVICES[SQ001]`, `RESPONDENT[other]`). Values are in CDATA; list answers
are codes (`A1`...), the gender question `F`/`M`, the yes/no question
`Y`/`N`, "other" is `-oth-`, multiple choice is `Y` or empty; `<value>`
pairs in the mapping translate them. Three responses are incomplete (no
`submitdate`; fields of pages not reached are missing from the row).'''),
    ('paper-forms.csv', '''**`paper-forms.csv`** imitates the spreadsheet engagement officers keep while
typing up paper questionnaires, saved from Excel as CSV UTF-8 (BOM, CRLF).
Channel `paper`, {rows} rows. Columns Serial (`P-0001`; some numbers are
missing, for spoilt forms), Event (an event code; empty for forms returned
by Freepost), Officer (recorded as who typed the form in), Date on form (`dd/mm/yyyy`), then the
standard questions under short headings. Officers' shorthand ("A&E; 111;
GP" with `separator=";"`, "V dissatisfied", "F", "Y", "Moorlands") is
translated by `<value>` pairs; "[illegible]" marks unreadable handwriting.
No response id: the serial is the identity.'''),
    ('easy-read-paper.csv', '''**`easy-read-paper.csv`** imitates Easy Read paper forms typed up by officers
(UTF-8, CRLF). Channel `easy-read-paper`, `form="easy-read"`, {rows} rows:
Serial (`E-0001`), Event, Officer (recorded as who typed the form in), then the Easy Read questions
with Easy Read answers ("Good", "OK", "Bad", ages like "65 to 74", "I do not
want to say"). The "which of these have you used" boxes are one column per
option, ticked with x, X, ✓, 1 or yes. Some answers were written down by a
support worker and say so.'''),
]


# ---------------------------------------------------------------------------
# Checker
# ---------------------------------------------------------------------------

class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, msg):
        self.items.append(f'{where}: {msg}')


def read_mapping(path):
    root = ET.parse(path).getroot()
    m = {'attrs': dict(root.attrib), 'special': {}, 'questions': [], 'ignore': [],
         'district_values': {}}
    for el in root:
        if not isinstance(el.tag, str):
            continue
        if el.tag in ('response-id', 'submitted', 'postcode', 'district', 'event', 'serial', 'officer'):
            m['special'][el.tag] = dict(el.attrib)
            if el.tag == 'district':
                m['district_values'] = {v.get('from').strip().lower(): v.get('to')
                                        for v in el.findall('value')}
        elif el.tag == 'question':
            m['questions'].append({
                'code': el.get('code'), 'field': el.get('field'), 'separator': el.get('separator'),
                'values': {v.get('from').strip().lower(): v.get('to') for v in el.findall('value')},
                'options': [(o.get('code'), o.get('field')) for o in el.findall('option')],
            })
        elif el.tag == 'ignore':
            m['ignore'].append(el.get('field'))
    return m


def mapped_fields(m):
    out = []
    for k, a in m['special'].items():
        out.append((a['field'], k))
    for q in m['questions']:
        if q['field']:
            out.append((q['field'], q['code']))
        for oc, f in q['options']:
            out.append((f, f'{q["code"]}/{oc}'))
    for f in m['ignore']:
        out.append((f, 'ignore'))
    return out


def match_option(q, values, v):
    t = v.strip().lower()
    for c, lab in q.options:
        if t == lab.lower():
            return c
    for c, _lab in q.options:
        if t == c.lower():
            return c
    return values.get(t)


TICKED = {'1', 'yes', 'y', 'true', 'x', '✓'}
UNTICKED = {'', '0', 'no', 'false'}


def parse_date(v, mode):
    v = v.strip()
    if mode == 'mm/dd/yyyy':
        for f in ('%m/%d/%Y %I:%M:%S %p', '%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y'):
            try:
                return dt.datetime.strptime(v, f)
            except ValueError:
                pass
        return None
    if mode in ('auto', 'iso'):
        for f in ('%Y-%m-%d', '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S'):
            try:
                return dt.datetime.strptime(v, f)
            except ValueError:
                pass
        if mode == 'iso':
            return None
    if mode in ('auto', 'excel') and re.fullmatch(r'\d+(\.\d+)?', v):
        return dt.datetime(1899, 12, 30) + dt.timedelta(days=float(v))
    if mode in ('auto', 'dd/mm/yyyy'):
        for f in ('%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'):
            try:
                return dt.datetime.strptime(v, f)
            except ValueError:
                pass
    return None


def csv_records(path, header_rows):
    with open(path, encoding='utf-8-sig', newline='') as fh:
        rows = list(csv.reader(fh))
    if header_rows == 2:
        r1, r2 = rows[0], rows[1]
        names = []
        q = ''
        for i in range(len(r1)):
            if r1[i].strip():
                q = r1[i].strip()
            s = r2[i].strip() if i < len(r2) else ''
            names.append(q if s in ('', 'Response', 'Open-Ended Response') else f'{q} / {s}')
        blank = [i for i in range(len(r1)) if not r1[i].strip() and not r2[i].strip()]
        data = rows[2:]
        first_line = 3
    else:
        names = [h.strip() for h in rows[0]]
        blank = [i for i, h in enumerate(names) if not h]
        data = rows[1:]
        first_line = 2
    recs = []
    for n, row in enumerate(data):
        if len(row) != len(names):
            raise ValueError(f'{path.name}: record {n + first_line}: {len(row)} cells, '
                             f'{len(names)} headers')
        recs.append({names[i]: row[i] for i in range(len(names)) if i not in blank})
    fields = [names[i] for i in range(len(names)) if i not in blank]
    for i in blank:
        if any(row[i] for row in data):
            raise ValueError(f'{path.name}: column {i + 1} has no header but holds data')
    return fields, recs, len(blank)


def xlsx_records(path, sheet_name):
    ns = {'m': NS_MAIN}
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for need in ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml',
                     'xl/_rels/workbook.xml.rels', 'xl/styles.xml']:
            if need not in names:
                raise ValueError(f'{path.name}: no {need}')
        wb = ET.fromstring(z.read('xl/workbook.xml'))
        rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
        target = None
        for s in wb.find('m:sheets', ns):
            if s.get('name') == sheet_name:
                rid = s.get(f'{{{NS_REL}}}id')
                for r in rels:
                    if r.get('Id') == rid:
                        target = 'xl/' + r.get('Target')
        if not target:
            raise ValueError(f'{path.name}: no sheet named {sheet_name!r}')
        sst = []
        if 'xl/sharedStrings.xml' in names:
            for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns):
                sst.append(''.join(t.text or '' for t in si.iter(f'{{{NS_MAIN}}}t')))
        styles = ET.fromstring(z.read('xl/styles.xml'))
        date_fmts = {int(f.get('numFmtId')) for f in styles.iter(f'{{{NS_MAIN}}}numFmt')
                     if re.search(r'[dy]', f.get('formatCode'), re.I)}
        xfs = [int(x.get('numFmtId')) for x in styles.find('m:cellXfs', ns)]
        sheet = ET.fromstring(z.read(target))
    grid = []
    kinds = {'s': 0, 'inlineStr': 0, 'n': 0, 'date': 0}
    for row in sheet.find('m:sheetData', ns):
        cells = {}
        for c in row:
            ref = c.get('r')
            col = 0
            for ch in re.match(r'[A-Z]+', ref).group(0):
                col = col * 26 + ord(ch) - 64
            t = c.get('t', 'n')
            if t == 's':
                v = sst[int(c.findtext('m:v', '', ns))]
                kinds['s'] += 1
            elif t == 'inlineStr':
                v = ''.join(x.text or '' for x in c.iter(f'{{{NS_MAIN}}}t'))
                kinds['inlineStr'] += 1
            else:
                v = c.findtext('m:v', '', ns)
                s = int(c.get('s', '0'))
                kinds['date' if xfs[s] in date_fmts else 'n'] += 1
            cells[col - 1] = v
        grid.append(cells)
    header = grid[0]
    n = max(header) + 1
    fields = [header.get(i, '').strip() for i in range(n)]
    recs = [{fields[i]: r.get(i, '') for i in range(n)} for r in grid[1:]]
    return fields, recs, kinds


def strip_ns(tag):
    return tag.split('}', 1)[-1]


def leaf_paths(el, prefix=''):
    out = []
    for ch in el:
        if not isinstance(ch.tag, str):
            continue
        p = prefix + strip_ns(ch.tag)
        if len(ch):
            out += leaf_paths(ch, p + '/')
        else:
            out.append((p, (ch.text or '')))
    return out


def xform_records(folder):
    XF = 'http://www.w3.org/2002/xforms'
    form = ET.parse(folder / 'form.xml').getroot()
    inst = None
    for i in form.iter(f'{{{XF}}}instance'):
        if i.get('id') is None:
            inst = i[0]
            break
    form_id = inst.get('id')
    root_name = strip_ns(inst.tag)
    fields = [p for p, _ in leaf_paths(inst)]
    choices = {}
    for tag in ('select1', 'select'):
        for s in form.iter(f'{{{XF}}}{tag}'):
            ref = s.get('ref')
            path = ref[len(root_name) + 2:] if ref.startswith(f'/{root_name}/') else ref
            choices[path] = [it.findtext(f'{{{XF}}}value') for it in s.findall(f'{{{XF}}}item')]
    recs = []
    files = sorted((folder / 'instances').glob('*.xml'))
    for f in files:
        r = ET.parse(f).getroot()
        if r.get('id') != form_id:
            raise ValueError(f'{f.name}: instance id {r.get("id")!r}, form {form_id!r}')
        rec = dict(leaf_paths(r))
        rec['__file__'] = f.name
        recs.append(rec)
    return fields, recs, choices


class LSS:
    def __init__(self, path):
        root = ET.parse(path).getroot()

        def rows(section):
            s = root.find(section)
            return [] if s is None else [{c.tag: (c.text or '') for c in r}
                                         for r in s.find('rows')]
        self.sid = rows('surveys')[0]['sid']
        self.questions = {r['qid']: r for r in rows('questions')}
        self.subs = {}
        for r in rows('subquestions'):
            self.subs.setdefault(r['parent_qid'], {})[r['title']] = r
        self.answers = {}
        for r in rows('answers'):
            self.answers.setdefault(r['qid'], {})[r['code']] = r['answer']

    def heading(self, field):
        m = re.fullmatch(r'(\d+)X(\d+)X(\d+)(.*)', field)
        if not m:
            return field
        sid, gid, qid, rest = m.groups()
        if sid != self.sid:
            raise ValueError(f'{field}: survey {sid}, structure is {self.sid}')
        q = self.questions.get(qid)
        if q is None:
            raise ValueError(f'{field}: no question {qid} in the .lss')
        if q['gid'] != gid:
            raise ValueError(f'{field}: question {qid} is in group {q["gid"]}, not {gid}')
        if rest == '':
            return q['title']
        if rest == 'other':
            if q['other'] != 'Y':
                raise ValueError(f'{field}: question {q["title"]} has no "other"')
            return f'{q["title"]}[other]'
        if rest not in self.subs.get(qid, {}):
            raise ValueError(f'{field}: {q["title"]} has no subquestion {rest}')
        return f'{q["title"]}[{rest}]'


def lsr_records(lsr_path, lss):
    root = ET.parse(lsr_path).getroot()
    resp = root.find('responses')
    names = [f.text for f in resp.find('fields')]
    heads = {n: lss.heading(n) for n in names}
    recs = []
    for r in resp.find('rows'):
        rec = {}
        for c in r:
            tag = c.tag[1:] if c.tag.startswith('_') else c.tag
            if tag not in heads:
                raise ValueError(f'row {len(recs) + 1}: element {c.tag} is not a listed field')
            rec[heads[tag]] = c.text or ''
        recs.append(rec)
    return [heads[n] for n in names], recs


PII_RES = [
    ('e-mail', re.compile(r'[\w.+-]+@[\w-]+\.[\w.]+')),
    ('phone', re.compile(r'(?:\+44\s?7700|07700|\(?01632\)?|0121\s?496|020\s?7946)[\d ]{5,10}')),
    ('name', re.compile(r"(?i:my name is|\bI am)\s+(?:(?:Mr|Mrs|Ms|Miss)\s+)?[A-ZŁ][a-zà-ž]+\s+[A-Z]")),
    ('name', re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Nurse|Sister)\.?\s+(?!Google)[A-ZŁ][a-zà-ž']+")),
    ('postcode', re.compile(r'\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b')),
]
NHS_RE = re.compile(r'\b(\d{3})[ -]?(\d{3})[ -]?(\d{4})\b')


def pii_kinds(text):
    kinds = set()
    for kind, rx in PII_RES:
        if rx.search(text):
            kinds.add(kind)
    for m in NHS_RE.finditer(text):
        if nhs_valid(''.join(m.groups())):
            kinds.add('nhs-number')
    return kinds


FILES = [
    # (label, data path, mapping path, kind)
    ('google-forms-online.csv', 'google-forms-online.csv', 'google-forms-online.map.xml', 'csv'),
    ('surveymonkey-online.csv', 'surveymonkey-online.csv', 'surveymonkey-online.map.xml', 'csv'),
    ('smartsurvey-online.xlsx', 'smartsurvey-online.xlsx', 'smartsurvey-online.map.xml', 'xlsx'),
    ('kobo-roadshow/', 'kobo-roadshow', 'kobo-roadshow.map.xml', 'xform'),
    ('limesurvey-online.lsr', 'limesurvey-online.lsr', 'limesurvey-online.map.xml', 'limesurvey'),
    ('paper-forms.csv', 'paper-forms.csv', 'paper-forms.map.xml', 'csv'),
    ('easy-read-paper.csv', 'easy-read-paper.csv', 'easy-read-paper.map.xml', 'csv'),
]


def check(root, out, verbose=True):
    ex = Exercise(root / 'samples/exercise-2019.xml')
    places = Places(root)
    probs = Problems()
    say = print if verbose else (lambda *a, **k: None)
    rng_path = root / 'schema/mapping.rng'
    have_xmllint = shutil.which('xmllint') is not None
    per_district = {d: 0 for d in ex.districts}
    by_resolution = {d: 0 for d in ex.districts}
    events_used = {}
    ages = {}
    totals = {'rows': 0, 'free': 0, 'pii': 0}
    pii_by_kind = {}
    outward_used = {}
    table = []
    for label, data_name, map_name, kind in FILES:
        data_path, map_path = out / data_name, out / map_name
        where = label
        if not data_path.exists() or not map_path.exists():
            probs.add(where, 'missing (run tools/make_samples.py)')
            continue
        if have_xmllint:
            r = subprocess.run(['xmllint', '--noout', '--relaxng', str(rng_path), str(map_path)],
                               capture_output=True, text=True)
            if r.returncode != 0:
                probs.add(map_name, 'does not validate against schema/mapping.rng: '
                          + r.stderr.strip().splitlines()[0])
        m = read_mapping(map_path)
        a = m['attrs']
        form = a.get('form', 'standard')
        fmt = a.get('format')
        if fmt != kind:
            probs.add(map_name, f'format="{fmt}", file is {kind}')
        if a.get('exercise') != ex.code:
            probs.add(map_name, f'exercise="{a.get("exercise")}"')
        questions = ex.forms[form]
        dates = a.get('dates', 'auto')
        blank_cols = 0
        choices = {}
        extra = ''
        try:
            if kind == 'csv':
                fields, recs, blank_cols = csv_records(data_path, int(a.get('header-rows', '1')))
                raw = data_path.read_bytes()
                extra = ('BOM ' if raw.startswith(b'\xef\xbb\xbf') else '') + \
                        ('CRLF' if b'\r\n' in raw else 'LF')
            elif kind == 'xlsx':
                fields, recs, kinds = xlsx_records(data_path, a.get('sheet'))
                extra = (f"{kinds['s']} shared, {kinds['inlineStr']} inline, "
                         f"{kinds['n']} number, {kinds['date']} date cells")
            elif kind == 'xform':
                fields, recs, choices = xform_records(data_path)
                extra = f'{len(recs)} instance files'
            else:
                lss = LSS(data_path.with_suffix('.lss'))
                fields, recs = lsr_records(data_path, lss)
                extra = f'{len(fields)} fields, SGQA codes resolved through the .lss'
        except (ValueError, ET.ParseError, KeyError, zipfile.BadZipFile) as e:
            probs.add(where, f'cannot read: {e}')
            continue
        # Every field mapped or ignored, every mapped field present, none twice.
        mf = mapped_fields(m)
        seen = {}
        for f, what in mf:
            if f in seen:
                probs.add(map_name, f'field {f!r} mapped twice ({seen[f]}, {what})')
            seen[f] = what
            if f not in fields:
                probs.add(map_name, f'field {f!r} ({what}) is not in {label}')
        for f in fields:
            if f not in seen:
                probs.add(where, f'field {f!r} is neither mapped nor ignored')
        if len(set(fields)) != len(fields):
            probs.add(where, 'duplicate field names')
        # Mapping's questions and values resolve in the exercise.
        for q in m['questions']:
            eq = questions.get(q['code'])
            if eq is None:
                probs.add(map_name, f'no question {q["code"]} in the {form} form')
                continue
            for frm, to in q['values'].items():
                if to not in eq.codes:
                    probs.add(map_name, f'{q["code"]}: <value to="{to}"> is not an option')
            for oc, _f in q['options']:
                if oc not in eq.codes:
                    probs.add(map_name, f'{q["code"]}: option {oc} does not exist')
            if kind == 'xform' and q['field'] in choices:
                for name in choices[q['field']]:
                    if match_option(eq, q['values'], name) is None:
                        probs.add('kobo-roadshow/form.xml',
                                  f'choice {name!r} of {q["field"]} resolves to no option of {q["code"]}')
        for frm, to in m['district_values'].items():
            if to not in ex.districts:
                probs.add(map_name, f'district value {frm!r} -> {to} is not a district')
        if kind == 'xform' and 'event' in m['special']:
            for name in choices.get(m['special']['event']['field'], []):
                if name not in ex.events:
                    probs.add('kobo-roadshow/form.xml', f'event choice {name!r} is not an event')
        # Records
        counts = {'full': 0, 'outward': 0, 'blank': 0, 'other': 0, 'ticked': 0, 'free': 0,
                  'pii': 0}
        ids = set()
        for n, rec in enumerate(recs, 1):
            w = f'{label} record {n}'
            sp = m['special']
            if 'response-id' in sp:
                v = rec.get(sp['response-id']['field'], '')
                if not v and sp['response-id'].get('required') == 'true':
                    probs.add(w, 'no response id')
                if v in ids:
                    probs.add(w, f'duplicate response id {v}')
                ids.add(v)
            if 'serial' in sp:
                v = rec.get(sp['serial']['field'], '')
                if not v or v in ids:
                    probs.add(w, f'serial {v!r} empty or repeated')
                ids.add(v)
            if 'submitted' in sp:
                v = rec.get(sp['submitted']['field'], '')
                if v:
                    d = parse_date(v, dates)
                    if d is None:
                        probs.add(w, f'date {v!r} does not parse as {dates}')
                    elif not OPENS <= d.date() <= CLOSES:
                        probs.add(w, f'date {v!r} is outside the exercise')
            ev = None
            if 'event' in sp:
                ev = rec.get(sp['event']['field'], '').strip()
                if ev:
                    if ev not in ex.events:
                        probs.add(w, f'unknown event {ev!r}')
                    else:
                        events_used[ev] = events_used.get(ev, 0) + 1
            pc_district = None
            if 'postcode' in sp:
                v = rec.get(sp['postcode']['field'], '')
                pc = norm_postcode(v)
                if not v.strip():
                    counts['blank'] += 1
                elif not pc:
                    probs.add(w, f'postcode {v!r} has no postcode shape')
                elif ' ' in pc:
                    if pc in places.full:
                        counts['full'] += 1
                        pc_district = places.full[pc]
                        per_district[pc_district] += 1
                    else:
                        counts['other'] += 1
                else:
                    counts['outward'] += 1
                    outward_used[pc] = outward_used.get(pc, 0) + 1
                    if pc not in places.shares:
                        probs.add(w, f'outward code {pc} is not in the outward-share table')
            ticked = None
            if 'district' in sp:
                v = rec.get(sp['district']['field'], '').strip()
                if v:
                    t = v.lower()
                    for code, name in ex.districts.items():
                        if t in (code.lower(), name.lower()):
                            ticked = code
                    ticked = ticked or m['district_values'].get(t)
                    if ticked is None:
                        probs.add(w, f'district {v!r} matches no district')
                    else:
                        counts['ticked'] += 1
            # District by the README's order of trust (outward codes left out).
            resolved = pc_district or (ex.events[ev]['district'] if ev in ex.events else None) \
                or ticked
            if resolved:
                by_resolution[resolved] += 1
            for q in m['questions']:
                eq = questions.get(q['code'])
                if eq is None:
                    continue
                if q['options']:
                    for oc, f in q['options']:
                        v = rec.get(f, '')
                        t = v.strip().lower()
                        if t in TICKED or t in UNTICKED or t in (oc.lower(), eq.label(oc).lower()):
                            continue
                        probs.add(w, f'{f!r}: {v!r} is neither ticked nor unticked')
                    continue
                v = rec.get(q['field'], '')
                if eq.type == 'free-text':
                    if v.strip():
                        counts['free'] += 1
                        k = pii_kinds(v)
                        if k:
                            counts['pii'] += 1
                            for kk in k:
                                pii_by_kind[kk] = pii_by_kind.get(kk, 0) + 1
                    continue
                if not v.strip():
                    continue
                if eq.type == 'scale':
                    t = v.strip()
                    if re.fullmatch(r'\d+', t) and eq.min <= int(t) <= eq.max:
                        continue
                    if match_option(eq, q['values'], t) is None:
                        probs.add(w, f'{q["code"]}: {v!r} is not in {eq.min}..{eq.max}')
                    continue
                pieces = v.split(q['separator']) if q['separator'] else [v]
                for piece in pieces:
                    c = match_option(eq, q['values'], piece)
                    if c is None:
                        probs.add(w, f'{q["code"]}: {piece!r} matches no option')
                    elif eq.code in ('AGE', 'ER-AGE'):
                        c = {'not-say': 'prefer-not'}.get(c, c)
                        ages[c] = ages.get(c, 0) + 1
                if eq.type in ('single-choice', 'demographic') and len(pieces) > 1:
                    probs.add(w, f'{q["code"]}: several answers to a single choice')
        totals['rows'] += len(recs)
        totals['free'] += counts['free']
        totals['pii'] += counts['pii']
        table.append((label, a.get('channel'), form, len(recs), counts, extra, blank_cols))

    say('samples/exports: what the checker read')
    say(f'  {"file":26} {"channel":16} {"form":9} {"rows":>4} {"full":>5} {"outw":>5} '
        f'{"blank":>5} {"other":>5} {"tick":>5} {"text":>5} {"pii":>4}  notes')
    for label, channel, form, n, c, extra, blank_cols in table:
        note = extra + (f', {blank_cols} empty trailing columns' if blank_cols else '')
        say(f'  {label:26} {channel:16} {form:9} {n:4d} {c["full"]:5d} {c["outward"]:5d} '
            f'{c["blank"]:5d} {c["other"]:5d} {c["ticked"]:5d} {c["free"]:5d} {c["pii"]:4d}  {note}')
    say('\n  full = postcode in the lookup, outw = outward code only, other = full postcode')
    say('  outside the area, tick = district ticked, text = free-text answers,')
    say('  pii = answers holding personal data (found by the checker\'s own patterns)')
    say('\nper district: responses with a full postcode in the lookup | placed by postcode, event or tick')
    for code, name in ex.districts.items():
        say(f'  {code} {name:26} {per_district[code]:4d} | {by_resolution[code]:4d}')
    say('\noutward codes given alone: ' + ', '.join(f'{k} {v}' for k, v in sorted(outward_used.items())))
    say(f'events used: {len(events_used)} of {len(ex.events)} (' +
        ', '.join(f'{k} {v}' for k, v in sorted(events_used.items())) + ')')
    say('age: ' + ', '.join(f'{c} {ages.get(c, 0)}' for c in AGE_CODES))
    pct = 100 * totals['pii'] / max(1, totals['free'])
    say(f'free-text answers: {totals["free"]}, with personal data: {totals["pii"]} ({pct:.1f}%): ' +
        ', '.join(f'{k} {v}' for k, v in sorted(pii_by_kind.items())))
    say(f'total responses: {totals["rows"]}')
    if totals['rows'] < 600:
        probs.add('total', f'{totals["rows"]} responses, want at least 600')
    for code in ('ST7', 'B79', 'WS15'):
        if code not in outward_used:
            probs.add('postcodes', f'split outward code {code} is never given alone')
    missing = set(ex.events) - set(events_used)
    if missing:
        probs.add('events', 'not used: ' + ', '.join(sorted(missing)))
    for code, n in per_district.items():
        if n < 20:
            probs.add('districts', f'{ex.districts[code]} has only {n} full postcodes')
    if not have_xmllint:
        say('note: xmllint not found, mappings not validated against schema/mapping.rng')
    if probs.items:
        say(f'\n{len(probs.items)} problem(s):')
        for p in probs.items[:200]:
            say('  ' + p)
        return 1
    say('\nOK: every field resolves')
    return 0


# ---------------------------------------------------------------------------


def generate(root, out):
    ex = Exercise(root / 'samples/exercise-2019.xml')
    load_easy_maps(root / 'samples/exercise-2019.xml')
    places = Places(root)
    ONE_OFFS_USED.clear()
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    for name, fn in [('google-forms-online.csv', make_google),
                     ('surveymonkey-online.csv', make_surveymonkey),
                     ('smartsurvey-online.xlsx', make_smartsurvey),
                     ('kobo-roadshow', make_kobo),
                     ('limesurvey-online.lsr', make_limesurvey),
                     ('paper-forms.csv', make_paper),
                     ('easy-read-paper.csv', make_easy_read)]:
        results[name] = fn(ex, places, out)
    total = sum(r['rows'] for r in results.values())
    paras = '\n\n'.join(text.format(rows=results[key]['rows'], sid=LS_SID)
                        for key, text in PARAGRAPHS)
    write_text(out / 'README.md', README.format(paragraphs=paras, total=total))
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--check', action='store_true', help='only check the existing files')
    ap.add_argument('--out', type=Path, help='output folder (default: ROOT/samples/exports)')
    ap.add_argument('--root', type=Path, default=Path(__file__).resolve().parent.parent,
                    help='repository root')
    args = ap.parse_args(argv)
    out = args.out or args.root / 'samples/exports'
    if not args.check:
        generate(args.root, out)
    return check(args.root, out)


if __name__ == '__main__':
    sys.exit(main())
