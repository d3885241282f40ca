"""The benchmark's conversations, generated from a seed: same seed, same file, byte for byte.

Each conversation is one invented user talking to an assistant in five dated sessions, a week or two
apart. Among small talk and long pasted texts (an email to polish, a recipe to fix: two a session), the user mentions
facts about their life: their name, where they live, their job, a pet, a relative, a favourite, plans
with dates. Some change later (a move, a new job, a trip put back), and some facts only make sense
together (the relative named in one session, what they do in another). Then, in a final session, ten
questions, two per category:

- `single_session`: a fact stated once ("What's my dog called?");
- `multi_session`: two sessions combined (the sister named in one, her new city in another);
- `knowledge_update`: a fact that changed; the latest value wins;
- `temporal`: dates and order ("When is my trip to Rome?", "Did I move before or after ...?");
- `abstention`: something never said; the right reply is not to know.

The phrasings vary as people's do; some state a fact plainly, some in passing. The file is written
with `dumps_dataset`; the committed `benchmark.jsonl` is `generate()` with the defaults.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from helpers.evaluation.dataset import Conversation, Message, Question, Session, dumps_dataset

DEFAULT_SEED = 2023  # the year of the MemGPT paper
DEFAULT_CONVERSATIONS = 24
SESSIONS = 5
DEFAULT_DATASET = Path(__file__).with_name("benchmark.jsonl")

USER_NAMES = """Dana Priya Tomás Mei Jonas Aisha Lucas Sofia Kenji Amara Noah Elena Omar Freya Mateo Hana Leo Zara
Ivan Nadia Ben Chloe Ravi Ingrid Yusuf Clara Diego Maya Felix Lena""".split()
PEOPLE = """Alice Marco Ines Tariq Greta Paolo Yuki Fatima Henrik Lucia Kwame Rosa Dmitri Anya Theo Leila Oscar Bea
Hugo Mira Sven Nora Rafael Esme""".split()
CITIES = """Berlin Lisbon Oslo Toronto Melbourne Dublin Madrid Vienna Prague Seattle Austin Kyoto Nairobi Edinburgh
Porto Montreal Copenhagen Valencia Zurich Helsinki Bristol Denver Lyon Krakow""".split()
TRIP_CITIES = "Rome Athens Marrakesh Reykjavik Tokyo Barcelona Istanbul Hanoi Lima Seville Florence Budapest".split()
JOBS = """nurse teacher architect pharmacist accountant chef electrician physiotherapist journalist librarian
veterinarian paramedic carpenter translator pilot dentist""".split() + ["software engineer", "graphic designer"]
PETS = {"dog": "he", "cat": "she", "rabbit": "he", "parrot": "she", "tortoise": "he"}
PET_NAMES = """Rex Biscuit Luna Pepper Mochi Ziggy Olive Bruno Nala Pickle Toffee Milo Juniper Basil Clementine
Waffles Pretzel Domino""".split()
RELATIVES = ["sister", "brother", "cousin", "best friend", "neighbour"]
FAVOURITES = {
    "food": "sushi lasagne pho tacos dumplings paella ramen curry falafel pierogi".split(),
    "band": ["Radiohead", "Fleetwood Mac", "ABBA", "Daft Punk", "Queen", "Massive Attack", "Portishead"],
    "book": ["Middlemarch", "Dune", "Beloved", "Persuasion", "Stoner", "Rebecca", "Solaris"],
}
SPORTS = "tennis badminton squash volleyball chess basketball handball".split()
APPOINTMENTS = ["dentist", "optician", "physio", "vet", "job interview"]
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]

# ---------------------------------------------------------------------------------------------
# What the user says. {x} fields are filled from the persona; each list mixes plain and passing phrasings.
# ---------------------------------------------------------------------------------------------

SAYS = {
    "name": ["Hi! I'm {name}.", "Hello there, my name is {name}.", "Hey, {name} here. Nice to meet you!",
             "Good morning! Call me {name}, by the way.", "Hi, I'm {name}, first time using this thing."],
    "home": ["I live in {home}.", "I'm based in {home}, it's been pretty grey lately.",
             "Things are busy here in {home}, as usual.", "I live in {home} with two flatmates.",
             "I've been living in {home} for about three years now."],
    "move": ["Big news: I moved to {new_home} last weekend!", "I just moved to {new_home}, still unpacking boxes.",
             "I live in {new_home} now, the move went fine.", "We finally relocated to {new_home}.",
             "Quick update, I'm living in {new_home} now."],
    "job": ["I work as {a_job}.", "I'm {a_job}, so my hours are all over the place.",
            "Work was tiring today; being {a_job} is no joke.", "I've been {a_job} for six years."],
    "new_job": ["I started a new job as {a_new_job} this week!", "I finally switched careers, I'm {a_new_job} now.",
                "I quit my old job and now I work as {a_new_job}.", "New chapter: I'm working as {a_new_job} now."],
    "pet": ["My {pet_kind} is called {pet}.", "My {pet_kind}'s name is {pet}, {pet_they}'s a total goofball.",
            "I have a {pet_kind} named {pet}.", "{pet}, my {pet_kind}, knocked a glass off the table again this morning.",
            "Took my {pet_kind} {pet} to the park today, {pet_they} loved it."],
    "new_pet": ["I adopted a {new_pet_kind} called {new_pet} this week!",
                "Meet the newest member of the family: a {new_pet_kind} called {new_pet}!",
                "We got a {new_pet_kind} yesterday, {new_pet_they}'s called {new_pet}.",
                "I just got a {new_pet_kind}, I named {new_pet_them} {new_pet}."],
    "relative": ["My {relative} is called {person}.", "My {relative} {person} is visiting this weekend.",
                 "My {relative}'s name is {person}, we're very close.",
                 "Had dinner with my {relative}, {person}, last night. Lovely evening."],
    "relative_home": ["{person} just moved to {person_home}.", "{person} lives in {person_home} these days.",
                      "Did I mention {person} moved to {person_home}? I miss having them close."],
    "relative_job": ["{person} just got a job as {a_person_job}.", "{person} works as {a_person_job} now, loves it.",
                     "Big news from {person}: {person_they}'s {a_person_job} now!"],
    "favourite": ["My favourite {fav_kind} is {fav}.", "Honestly, nothing beats {fav}. It's my favourite {fav_kind}.",
                  "Can't stop thinking about {fav}, my favourite {fav_kind} of all time."],
    "new_favourite": ["I've gone off {fav}; these days my favourite {fav_kind} is {new_fav}.",
                      "My favourite {fav_kind} is {new_fav} now.", "New favourite {fav_kind}: {new_fav}!"],
    "sport": ["I play {sport} on Saturdays.", "I play {sport} every week with friends from work.",
              "Lost my {sport} match again today, I really need to practise."],
    "trip": ["I'm planning a trip to {trip} on {trip_date}.", "I'm flying to {trip} on {trip_date}, can't wait!",
             "My trip to {trip} is on {trip_date}.", "Booked it! {trip}, {trip_date}. So excited."],
    "trip_change": ["The {trip} trip got moved to {new_trip_date}.",
                    "Change of plans: I'm going to {trip} on {new_trip_date} instead.",
                    "My trip to {trip} is now on {new_trip_date}, the airline changed the flights."],
    "appointment": ["I have a {appointment} appointment on {appointment_date}.",
                    "My {appointment} appointment is on {appointment_date}, wish me luck.",
                    "Ugh, {appointment} on {appointment_date}. Not looking forward to it."],
}

# Questions, each with the template of its expected answer.
ASKS = {
    "name": (["What's my name?", "Do you remember my name?"], "{name}"),
    "pet": (["What's my {pet_kind} called?", "What's the name of my {pet_kind}?"], "{pet}"),
    "relative": (["What's my {relative}'s name?", "What is my {relative} called?"], "{person}"),
    "sport": (["What sport do I play?", "Which sport do I play on weekends?"], "{sport}"),
    "favourite": (["What's my favourite {fav_kind}?"], "{fav}"),
    "job": (["What do I do for work?", "What's my job?"], "{job}"),
    "relative_home": (["Where does my {relative} live?", "Which city does my {relative} live in now?"], "{person_home}"),
    "relative_job": (["What does my {relative} do for a living?", "What's my {relative}'s job?"], "{person_job}"),
    "move": (["Where do I live?", "Which city am I living in these days?"], "{new_home}"),
    "new_job": (["What do I do for work now?", "What's my job these days?"], "{new_job}"),
    "new_favourite": (["What's my favourite {fav_kind} at the moment?", "What's my favourite {fav_kind}?"], "{new_fav}"),
    "trip_change": (["When is my trip to {trip}?", "What date am I going to {trip}?"], "{new_trip_day}"),
    "trip": (["When is my trip to {trip}?", "When am I going to {trip}?"], "{trip_day}"),
    "appointment": (["When is my {appointment} appointment?", "What date is my {appointment} appointment?"],
                    "{appointment_day}"),
    "home_before": (["Where did I live before I moved to {new_home}?"], "{home}"),
    "job_before": (["What was my job before I became {a_new_job}?"], "{job}"),
    "order": (["Did I move to {new_home} before or after I got {new_pet}?"], "{order}"),
    "pet_count": (["How many pets do I have?", "How many pets do I have now?"], "2"),
}
NEVER_SAID = {
    "other_pet": ["What's my {other_pet}'s name?", "What did I name my {other_pet}?"],
    "other_relative": ["What's my {other_relative}'s name?", "Where does my {other_relative} live?"],
    "other_favourite": ["What's my favourite {other_fav}?"],
    "other_appointment": ["When is my {other_appointment} appointment?"],
    "relative_other_detail": ["{never_said_detail}"],
}

OPENERS = ["Morning! Coffee first, then I'll be a person.", "Hey, me again.", "Hi! Quick one today.",
           "Ugh, Mondays.", "Hello again!", "Evening! Long day."]
SMALL_TALK = [
    "It's pouring here again, typical.", "Can you suggest something quick for dinner tonight?",
    "Finally finished that book I was reading, what a twist.", "Any tips for falling asleep faster?",
    "Work has been hectic this week.", "Just got back from a long walk.", "What's a good way to learn some basic Spanish?",
    "Do you think a standing desk is worth it?", "How do I get candle wax out of a tablecloth?",
    "Can you explain what a Roth IRA is, in simple terms?", "What's the difference between baking soda and baking powder?",
    "Is it normal for sourdough starter to smell like nail polish?", "Any podcast recommendations for a long drive?",
    "The neighbours are having a party again, so loud.", "How long should I boil an egg for a runny yolk?",
    "Haha, thanks, that's helpful.", "Is it worth learning to touch type at this point?",
]
CLOSERS = ["Thanks, that's all for today!", "Good night, talk tomorrow.", "Cheers, bye!", "Great, thanks a lot."]
# Long texts people paste in to get help with: they fill the context window and state nothing about the user.
PASTES = [
    "Can you make this email sound friendlier? \"Hello team. The quarterly numbers are attached. Please review "
    "them before Thursday. Comments must be sent by noon. Late comments will not be considered. The meeting will "
    "cover the budget, the hiring plan and the office move. The budget section has three parts: travel, equipment "
    "and training. Travel is down twelve percent on last year, equipment is flat, and training is up because of "
    "the new safety course. The hiring plan adds two roles in support and one in finance, starting in the autumn "
    "if the numbers hold. The office move is planned for the second half of the year; the new building is closer "
    "to the station but has fewer meeting rooms, so bookings will need to be shorter. Questions about any of this "
    "should go to the operations desk, not to individual managers. Attendance at the meeting is expected. A short "
    "agenda will follow on Monday, together with the minutes of the last meeting, which still need two "
    "corrections: the date of the supplier review was wrong, and the figure for overtime in the second quarter was "
    "counted twice. Anyone who cannot attend should send a deputy who can speak for the team, and anyone "
    "presenting should send slides a day ahead so that they can be loaded onto the room's computer before the "
    "start. Coffee will be available from a quarter to nine. Regards. P.S. Two more points for the meeting. First, "
    "the travel policy changes next month: trains are preferred for any trip under four hours, hotels must be "
    "booked through the portal, and receipts are needed for every expense over twenty. Second, the old laptops "
    "will be collected on the last Friday of the month, so anything stored on them should be backed up to the "
    "shared drive before then. IT will be on site all day to help, and new machines will be handed out in the same "
    "order as the collection list, which is pinned in the kitchen. Anyone working from home that day can arrange a "
    "courier instead. Please also remember that the car park will be closed on Wednesday morning for resurfacing, "
    "and that the lift in the east wing is being serviced.\"",
    "Could you shorten this for a newsletter? \"The community garden opened in spring with twelve raised beds, a "
    "compost area and a small shed for tools. Volunteers meet on Sunday mornings to weed, water and plan what to "
    "plant next. Last month the garden produced enough courgettes to supply the food bank for two weeks, and the "
    "children from the school across the road planted a row of sunflowers that is now taller than they are. The "
    "committee would like to add a water butt, a bench in the shade and a second compost bin before the summer, "
    "and is looking for donations of timber and old pallets. A plant sale is planned for the first weekend of the "
    "month, with seedlings, cuttings and homemade jam; all money raised goes to seeds and tools. New volunteers "
    "are always welcome, no experience needed, and gloves are provided. The garden is open to visitors every day "
    "from eight until dusk, and dogs on leads are allowed on the main path. Next season the plan is to add a small "
    "pond for frogs, a herb spiral by the gate and a rota for watering during the summer holidays, when fewer "
    "volunteers are around. The council has offered a grant for a rainwater tank if enough residents sign the form "
    "at the library. Thanks go to everyone who came to the spring clean-up, and to the hardware shop on the high "
    "street for the wheelbarrow. The seed library in the shed now has over forty kinds of seeds, from tomatoes and "
    "beans to wild flowers for the bees. Anyone can take a packet and is asked to bring back seeds from their own "
    "plants at the end of the season, labelled with the name and the date. The tool library works the same way: "
    "spades, forks, loppers and a lawn mower can be borrowed for a week at a time. A workshop on pruning fruit "
    "trees is planned for the autumn, led by a retired gardener from the allotments, and a second one on making "
    "leaf mould and compost for people with small gardens or balconies.\"",
    "What's wrong with this recipe? \"Mix 500 g flour, 10 g salt and 7 g dried yeast in a large bowl. Add 300 ml "
    "cold water and knead for two minutes until the dough just comes together. Leave to rise for twenty minutes "
    "somewhere cool. Shape into a tight ball, place on a tray and slash the top with a sharp knife. Bake at 150 "
    "degrees for an hour, then leave to cool in the tin for another hour before slicing. For a softer crust, brush "
    "with milk before baking; for a crunchier one, put a tray of water in the bottom of the oven.\" The loaf came "
    "out dense and pale, like a brick, and the middle was still doughy. The flour was strong white bread flour and "
    "the yeast was new. The kitchen was quite cold that day, maybe fifteen degrees. The recipe came from an old "
    "notebook, so some steps may have been copied wrong. The oven is a fan oven and tends to run a little cool, "
    "and the tin was a dark metal loaf tin, greased with butter. The first loaf from the same recipe a month ago "
    "was not great either, but less heavy. Is the problem the rising time, the temperature, the water, or all of "
    "them? And what would a better schedule look like for a whole day at home, with the bread ready for dinner at "
    "seven? Also, the notebook has a second recipe on the same page, for a quick flatbread: flour, yoghurt, a "
    "pinch of baking powder and salt, mixed, rested for ten minutes, rolled thin and cooked in a dry pan for a "
    "minute on each side. That one always works. The plan was to make both for a dinner with friends next weekend, "
    "with a big salad and a pot of soup, so the loaf needs to be reliable by then. Would an overnight rise in the "
    "fridge help, and how much water would a dough like this usually take for a lighter crumb?",
    "Please summarise these meeting notes: \"Agenda: website relaunch. Design is ready for review; the new layout "
    "moves the search bar to the top and cuts the menu from nine items to five. Copy is late, expected next "
    "Tuesday, because two product pages are being rewritten after legal review. Testing starts once copy is in; "
    "the plan is one week of internal testing and one week with a small group of customers. Marketing wants a "
    "launch on the first of the month to match the spring campaign, but engineering says two more weeks are needed "
    "for the payment page and the accessibility fixes. Decision postponed to the next meeting. Risks: the "
    "translation budget is not approved, and the analytics tags have not been checked. Action items: send the "
    "design to stakeholders, chase the copy, draft a test plan, get a quote for translation, book a room for the "
    "follow-up, and confirm who signs off the final version. Open questions: whether the blog moves to the new "
    "platform now or later, who owns the newsletter sign-up form, and whether old links will be redirected or "
    "simply removed. The support team asked for a week's notice before launch so that they can update the help "
    "pages and train the people on the phones. The next meeting is on Thursday at ten, same room, with the agency "
    "joining by video. Appendix to the notes: the accessibility audit found twenty-three issues, of which five are "
    "serious: images without text alternatives, a form that cannot be used with a keyboard, low contrast on the "
    "buttons, missing headings on the product pages, and a video with no captions. The agency estimates three days "
    "to fix the serious ones and another four for the rest. Legal asked that the cookie banner be checked again "
    "before launch, and finance wants to know whether the hosting contract can move to monthly billing.\"",
    "Can you fix the grammar here? \"Their going to announce the results tomorrow, and everyone are waiting "
    "anxiously. The committee have been meeting since monday and nobody know what they decided. If the proposal "
    "pass, the park will be closed for renovation during the whole summer, which effect a lot of families who uses "
    "it every weekends. The playground are old and some of the equipments is broken since years, so most people "
    "agrees that something need to be done. But the timing is bad, because the summer is when the park is the most "
    "busiest. A petition with more then two thousand signatures ask the council to wait until september. The "
    "council say the contractor is only available in the summer and the price will go up if they wait. Some "
    "residents has suggested to do the work in two parts, so that half of the park stay open, but the engineers "
    "says this would take longer and cost more. The local paper have wrote three articles about it already, and "
    "the comment section are full of angry messages from both sides. Whatever the committee decide, there will be "
    "a public meeting next week where people can ask questions.\" There is also the headline, which say: 'Park To "
    "Close For Summer, Familys Angry', and the caption under the photo, which read: 'Children playing on the old "
    "slide, that is going to be replaced soon if the plan go ahead.' Can these be fixed too, and can the whole "
    "thing be made a bit shorter without losing the main points about the petition, the contractor and the public "
    "meeting?",
    "Help me write a short hotel review from these notes: the hotel was clean and the staff were kind, especially "
    "at the front desk, who held the bags after checkout. Breakfast was average: good coffee and fruit, but the "
    "eggs were cold both days and the bread was from a packet. The room was noisy because it faced the main road, "
    "and the windows did not close properly, so earplugs were needed. The wifi kept dropping in the evening, which "
    "made video calls impossible. The bed was comfortable and the shower was strong and hot. The location was "
    "perfect for walking to the old town and the station, with a good bakery on the corner and a supermarket two "
    "streets away. The price was fair for the area in high season. Check-in was quick, but the lift was out of "
    "order on the second day, which was hard with heavy suitcases on the fourth floor. Towels were changed every "
    "day without asking. The restaurant downstairs was closed for renovation, so dinner meant going out, which was "
    "fine given the area. There was no kettle in the room, only a coffee machine in the lobby. Three or four "
    "stars? And can the review mention the lift without sounding too harsh, since the staff apologised and offered "
    "a discount? One more thing: the hotel has a small garden at the back with a few tables, which was lovely in "
    "the evening, and the bar made good cocktails at a fair price. The bathroom was modern and spotless, but the "
    "door to it did not lock. The room had a safe, a fridge and enough hangers, and the bedside lamps worked, "
    "which is rarer than it should be. Parking was in a public garage five minutes away, paid separately. Overall "
    "it was a good stay, and a return visit is likely if a quieter room at the back can be booked.",
    "Explain this error please: \"Traceback (most recent call last): File report.py, line 42, in main: total = "
    "total + row[3]. TypeError: unsupported operand type(s) for +: 'int' and 'str'\". The script reads a "
    "spreadsheet exported as CSV, skips the header row, adds up the numbers in the fourth column and prints the "
    "total at the end. It worked last month. This month the export has a new column for the region, and some cells "
    "in the amount column are empty or have a currency sign in front of the number. The file has about four "
    "thousand rows. The script uses the csv module, opens the file with the default encoding, and starts the total "
    "at zero. There is also a second sheet in the same file with last year's figures, which the script should "
    "ignore, and a footer row at the bottom that says 'Total' in the first column and repeats the sum. Ideally the "
    "script would skip blank cells, strip the currency sign, report any row it could not read with its row number, "
    "and print the total with two decimals. Can the fix stay in plain Python without installing anything? Here is "
    "the part of the script that reads the file: it opens the CSV, creates a reader, skips one row with next(), "
    "then loops over the rows and adds row[3] to the total. Nothing else happens in the loop. The totals from this "
    "script go into a monthly report for the finance team, so a wrong number is worse than an error. Would it be "
    "safer to stop at the first bad row, or to skip bad rows and list them at the end?",
    "Can you turn this into a packing list? Two weeks, warm days, cool evenings, one wedding with a garden "
    "reception, some hiking on rocky paths, a beach day or two, and a laptop for the odd work call. Carry-on only "
    "if possible, so liquids in a small bag and nothing over a hundred millilitres. The weather forecast says "
    "twenty-eight degrees in the day and fourteen at night, with a chance of rain in the mountains. The wedding is "
    "semi-formal, outdoors, on grass, so no thin heels. There is a washing machine at the flat for the second "
    "week. Chargers needed for a phone, a laptop and a camera, plus an adapter for the sockets there. A small "
    "first-aid kit, sun cream and insect repellent are a must, and a light rain jacket for the hikes. The flight "
    "leaves early in the morning, so everything should be packed the night before. The hikes are day hikes, no "
    "camping, but one of them is six hours with a steep climb at the start, so proper shoes and a small backpack "
    "with water are needed. The beach has no shade. A book or two for the flights, a reusable bottle, and a small "
    "bag for dirty laundry. What can be left out if the bag is too full? Also: the wedding has a dress code of "
    "'garden party', the bride asked for no white and no black, and there is a dinner the night before at a "
    "restaurant by the harbour. A gift has already been sent, but a card still needs to be bought. Medication for "
    "two weeks goes in the hand luggage, with the prescription, just in case. Is one pair of sandals enough for "
    "the beach and the evenings, or is a second pair worth the space?",
    "Can you summarise this article for me? \"Cities across the region are experimenting with four-day school "
    "weeks to cut costs and attract teachers. Supporters say the longer days leave pupils with more time for "
    "sport, family and part-time work, and that teachers are less likely to quit. Critics point to studies that "
    "show small drops in reading and maths scores, especially for younger children, and warn that parents who work "
    "five days must find and pay for childcare on the fifth day. Several districts have added optional activity "
    "days run by volunteers and local clubs. Early surveys suggest that most families like the schedule once they "
    "adjust, but the effect on learning is still unclear, and researchers say it will take several more years of "
    "data to know whether the savings are worth it. The article ends with interviews with two head teachers: one "
    "says attendance went up on the four days, the other says the fifth day has become a day of screens for many "
    "pupils. A parents' group argues that the decision should be made school by school, not for the whole region, "
    "and a teachers' union says that pay, not the timetable, is what keeps teachers in the job.\" And a second "
    "one, from the same issue: \"Several schools now cook with produce from local farms, and pupils help in the "
    "kitchen garden once a week. Costs went up a little at first but fell again after a year, as less food was "
    "thrown away. The article quotes a cook who says children eat more vegetables when they have grown them "
    "themselves, and a nutritionist who warns that portions for older pupils are often too small.\" Could the "
    "summary cover both articles in a few lines each?",
    "Can you tidy up these flat-share house rules? \"Bins go out on Tuesday night, recycling every other week. "
    "Quiet hours are from eleven at night to seven in the morning on weekdays. Guests staying more than two nights "
    "should be mentioned in the group chat first. Dishes washed the same day, no leaving pans to soak for days. "
    "The cleaning rota changes every Monday: kitchen, bathroom, hallway and living room. Shared food is on the top "
    "shelf of the fridge, everything else is private. The heating stays at nineteen degrees unless everyone "
    "agrees. Bills are split evenly and paid by the fifth of the month. Bikes go in the shed, not in the hall. "
    "Anything broken should be reported to the landlord by email the same week. Parcels for anyone who is away are "
    "kept on the shelf by the door, and the spare key stays with the neighbour at number twelve, not under the "
    "mat. Parties need a week's notice in the chat and a promise to clean up by noon the next day. The washing "
    "machine is free after nine in the evening and all day on Sundays. Plants on the balcony are watered by "
    "whoever is home, and the rota for the fridge clear-out is on the door.\" Also add a line about the internet: "
    "the router is in the living room and should not be switched off, the password is on the fridge, and big "
    "downloads should wait until after midnight. And one about the post: anything addressed to the previous "
    "tenants goes back with 'not known at this address' written on it. Finally, a line saying that new flatmates "
    "get the rules on their first day and a week to settle in before joining the cleaning rota.",
]
ASSISTANT = [
    "That sounds great!", "Thanks for telling me.", "Good to know!", "Happy to help.", "Oh, nice!",
    "Sorry to hear that.", "Here's a suggestion: keep it simple and see how it goes.", "Noted!",
    "Hope it goes well!", "Sure, here you go.",
]


def _pick(rng: random.Random, pool: list[str], *avoid: str) -> str:
    """One item of `pool` that is not in `avoid`."""
    return rng.choice([item for item in pool if item not in avoid])


def _date_text(rng: random.Random, day: date) -> str:
    """A date as people write it: "June 12", "12 June", "the 12th of June" or "2026-06-12" (the year rarely)."""
    month = MONTH_NAMES[day.month - 1]
    suffix = "th" if 10 <= day.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return rng.choice([f"{month} {day.day}", f"{day.day} {month}", f"the {day.day}{suffix} of {month}", day.isoformat()])


def _day(day: date) -> str:
    """A date as an expected answer: "June 12"."""
    return f"{MONTH_NAMES[day.month - 1]} {day.day}"


def _a(noun: str) -> str:
    """The noun with its article: "a nurse", "an architect"."""
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _persona(rng: random.Random, start: date) -> dict[str, str]:
    """Everything one user may mention, drawn at random."""
    pet_kind, new_pet_kind = rng.sample(sorted(PETS), 2)
    relative, other_relative = rng.sample(RELATIVES, 2)
    fav_kind, other_fav = rng.sample(sorted(FAVOURITES), 2)
    appointment, other_appointment = rng.sample(APPOINTMENTS, 2)
    home, new_home, person_home = rng.sample(CITIES, 3)
    job, new_job, person_job = rng.sample(JOBS, 3)
    fav, new_fav = rng.sample(FAVOURITES[fav_kind], 2)
    pet, new_pet = rng.sample(PET_NAMES, 2)
    trip_day = start + timedelta(days=rng.randint(110, 200))
    new_trip_day = trip_day + timedelta(days=rng.randint(3, 20))
    appointment_day = start + timedelta(days=rng.randint(80, 150))
    other_pet = _pick(rng, sorted(PETS), pet_kind, new_pet_kind)
    person_they = rng.choice(["he", "she"])
    return {
        "name": rng.choice(USER_NAMES), "home": home, "new_home": new_home, "job": job, "new_job": new_job,
        "pet_kind": pet_kind, "pet": pet, "pet_they": PETS[pet_kind],
        "new_pet_kind": new_pet_kind, "new_pet": new_pet, "new_pet_they": PETS[new_pet_kind],
        "new_pet_them": {"he": "him", "she": "her"}[PETS[new_pet_kind]],
        "relative": relative, "person": rng.choice(PEOPLE), "person_home": person_home, "person_job": person_job,
        "person_they": person_they, "fav_kind": fav_kind, "fav": fav, "new_fav": new_fav,
        "sport": rng.choice(SPORTS), "trip": rng.choice(TRIP_CITIES),
        "trip_date": _date_text(rng, trip_day), "new_trip_date": _date_text(rng, new_trip_day),
        "appointment": appointment, "appointment_date": _date_text(rng, appointment_day),
        # expected answers name the day without the year: the scoring reads "June 12" in "2026-06-12" too
        "trip_day": _day(trip_day), "new_trip_day": _day(new_trip_day), "appointment_day": _day(appointment_day),
        "other_pet": other_pet, "other_relative": other_relative, "other_fav": other_fav,
        "other_appointment": other_appointment,
        "a_job": _a(job), "a_new_job": _a(new_job), "a_person_job": _a(person_job),
    }


# What each question needs stated, in order ("move" after "home").
NEEDS = {
    "name": ["name"], "pet": ["pet"], "relative": ["relative"], "sport": ["sport"], "favourite": ["favourite"],
    "job": ["job"], "relative_home": ["relative", "relative_home"], "relative_job": ["relative", "relative_job"],
    "move": ["home", "move"], "new_job": ["job", "new_job"], "new_favourite": ["favourite", "new_favourite"],
    "trip_change": ["trip", "trip_change"], "trip": ["trip"], "appointment": ["appointment"],
    "home_before": ["home", "move"], "job_before": ["job", "new_job"], "order": ["home", "move", "new_pet"],
    "pet_count": ["pet", "new_pet"],
}
CHOICES = {  # the kinds of question each category draws two from
    "single_session": ["name", "pet", "relative", "sport", "favourite"],
    "multi_session": ["relative_home", "relative_job", "pet_count"],
    "knowledge_update": ["move", "new_job", "new_favourite", "trip_change"],
    "temporal": ["appointment", "home_before", "job_before", "order", "trip"],
    "abstention": list(NEVER_SAID),
}
ALWAYS = {"name", "home", "job", "pet", "relative"}  # stated in every conversation, asked about or not
AFTER = {"move": "home", "new_job": "job", "new_favourite": "favourite", "trip_change": "trip",
         "relative_home": "relative", "relative_job": "relative"}  # a change or a detail comes after its fact
APART = [("move", "new_pet"), ("pet", "new_pet")]  # stated in different sessions (for "order" and "pet_count")
# Facts that contradict each other: a question about the old job makes no sense if the job was never changed, ...
EXCLUSIVE = [{"job", "new_job", "job_before"}, {"favourite", "new_favourite"}, {"trip", "trip_change"}]


def _choose_questions(rng: random.Random) -> list[tuple[str, str]]:
    """(category, kind) for ten questions, two per category, never asking about one fact two ways that clash."""
    while True:
        chosen = [(category, kind) for category, kinds in CHOICES.items() for kind in rng.sample(kinds, 2)]
        kinds = {kind for _, kind in chosen}
        clash = any(len(kinds & group) > 1 and not kinds & group <= {"new_job", "job_before"} for group in EXCLUSIVE)
        both_details = {"relative_home", "relative_job"} <= kinds and "relative_other_detail" in kinds
        if not clash and not both_details:
            return chosen


def _schedule(rng: random.Random, kinds: set[str]) -> dict[str, int]:
    """In which session (0-based) each needed fact is stated: changes and details after what they build on."""
    needed = {need for kind in kinds for need in NEEDS.get(kind, [])} | ALWAYS
    while True:
        sessions = {kind: 0 if kind == "name" else rng.randint(0, SESSIONS - 2) for kind in sorted(needed)}
        for kind, base in AFTER.items():
            if kind in needed:
                sessions[kind] = rng.randint(sessions[base] + 1, SESSIONS - 1) if sessions[base] < SESSIONS - 1 else -1
        apart = [pair for pair in APART if set(pair) <= needed]
        if all(session >= 0 for session in sessions.values()) and all(sessions[a] != sessions[b] for a, b in apart):
            return sessions


def _session_messages(rng: random.Random, persona: dict[str, str], kinds: list[str], talk: list[str]) -> list[Message]:
    """One session: its facts among small talk and long pastes (`talk`), each user message with a short reply."""
    said = [rng.choice(SAYS[kind]).format(**persona) for kind in kinds if kind != "name"]
    middle = said + talk
    rng.shuffle(middle)
    opener = SAYS["name"] if "name" in kinds else OPENERS  # people say who they are first
    lines = [rng.choice(opener).format(**persona), *middle, *([rng.choice(CLOSERS)] if rng.random() < 0.3 else [])]
    messages: list[Message] = []
    for line in lines:
        messages.append({"role": "user", "content": line})
        messages.append({"role": "assistant", "content": rng.choice(ASSISTANT)})
    return messages


def _question(rng: random.Random, persona: dict[str, str], category: str, kind: str) -> Question:
    """One question of `kind`, its phrasing drawn at random, with its expected answer."""
    if category == "abstention":
        text = rng.choice(NEVER_SAID[kind]).format(**persona)
        return {"question": text, "answer": "Never said: the right reply is not to know.", "category": category}
    phrasings, answer = ASKS[kind]
    return {"question": rng.choice(phrasings).format(**persona), "answer": answer.format(**persona), "category": category}


def generate_conversation(rng: random.Random, number: int) -> Conversation:
    """One conversation: a persona, five dated sessions that state its facts, ten questions."""
    start = date(2026, 1, 5) + timedelta(days=rng.randint(0, 40))
    dates = [start]
    for _ in range(SESSIONS - 1):
        dates.append(dates[-1] + timedelta(days=rng.randint(5, 16)))
    persona = _persona(rng, start)
    chosen = _choose_questions(rng)
    said_in = _schedule(rng, {kind for _, kind in chosen})
    if "move" in said_in and "new_pet" in said_in:
        persona["order"] = "before" if said_in["move"] < said_in["new_pet"] else "after"
    relative = persona["relative"]  # the detail about the relative that is never given
    persona["never_said_detail"] = f"Where does my {relative} live?" if "relative_home" not in said_in \
        else f"What does my {relative} do for a living?"
    sessions: list[Session] = []
    pastes, small_talk = rng.sample(PASTES, len(PASTES)), rng.sample(SMALL_TALK, len(SMALL_TALK))  # none said twice
    for index, day in enumerate(dates):
        kinds = sorted(kind for kind, session in said_in.items() if session == index)
        talk = [small_talk.pop() for _ in range(rng.randint(1, 2))] + [pastes.pop(), pastes.pop()]
        sessions.append({"date": day.isoformat(), "messages": _session_messages(rng, persona, kinds, talk)})
    return {"id": f"conv-{number:03d}", "sessions": sessions,
            "questions": [_question(rng, persona, category, kind) for category, kind in chosen],
            "question_date": (dates[-1] + timedelta(days=2)).isoformat()}


def generate(seed: int = DEFAULT_SEED, conversations: int = DEFAULT_CONVERSATIONS) -> list[Conversation]:
    """`conversations` conversations from one seeded random generator (the same seed gives the same data)."""
    rng = random.Random(seed)
    return [generate_conversation(rng, number) for number in range(1, conversations + 1)]


def write_default_dataset(path: Path = DEFAULT_DATASET) -> Path:
    """Write the default dataset (DEFAULT_SEED, DEFAULT_CONVERSATIONS) as JSONL; return its path."""
    path.write_text(dumps_dataset(generate()), encoding="utf-8", newline="\n")
    return path


if __name__ == "__main__":
    print(f"Wrote {write_default_dataset()}")
