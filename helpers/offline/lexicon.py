"""Word lists the tutor reads sentences with: words that are never names, and words that end a clause.

A name is recognised by where it stands ("my name is ...") and by its shape (capitalised words); these
lists catch the words that stand there and are not names: "I'm Italian", "I'm Called Lee", "I'm Tired".
Words that are also common first names (Grace, Hope, Frank, Will, May, Joy, ...) are left out on purpose.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    """A set of lowercase words from a whitespace-separated block."""
    return frozenset(text.lower().split())


# Small words: articles, pronouns, prepositions, conjunctions, adverbs, numbers, time words.
FUNCTION_WORDS = _words("""
    a an the and or but nor so if then than that this these those there here what who whom whose which
    when where why how not no yes yeah yep nope ok okay alright all any some each every both either
    neither none one two three four five six seven eight nine ten eleven twelve thirteen fifteen twenty
    thirty forty fifty sixty seventy eighty ninety hundred thousand first second third last next other
    another just still also too very really quite pretty rather such much many more most less least only
    even ever never always often sometimes usually already almost about around at in on off out up down
    over under into onto from to for with without within by of as like after before since until till
    while during against between through across behind beyond near far away back home again anyway
    i me my mine myself you your yours yourself he him his she her hers it its itself they them their
    theirs we us our ours everyone everybody someone somebody anyone anybody nobody something anything
    nothing everything today tomorrow yesterday tonight now later soon once twice morning afternoon
    evening night week weekend weekday month year day days hours minutes monday tuesday wednesday
    thursday friday saturday sunday january february september october november december
    hi hello hey hiya howdy thanks thank please sorry lol haha hehe hmm oh ah um uh er wow yay oops
    ugh welcome bye goodbye cheers btw fyi omg idk maybe perhaps probably possibly definitely surely
    certainly actually really honestly basically literally seriously totally exactly kinda sorta gonna
    wanna gotta dunno whatever though although because since unless whether yet instead anyway else
    kind sort bit lot little few couple half bunch part same different new old own
    whenever wherever whatever however whoever anytime sometime anywhere everywhere somewhere asap
    super extremely incredibly absolutely completely rather fairly
    christmas easter halloween thanksgiving diwali ramadan hanukkah eid xmas
""")

# Verbs and their forms that can follow "I'm", "call me", "my name is".
VERBS = _words("""
    am is are was were be been being do does did done doing have has had having get gets got gotten
    go goes went gone come comes came make makes made take takes took taken know knows knew known think
    thought say says said see saw seen want wants need needs like likes liked love loves loved hate hates
    feel feels felt try tries tried use used call calls called name named let lets help helps look looks
    seem seems mean means meant born based located supposed moved move lives lived live work works worked
    stay stays stayed leave left wait waits waited tell told ask asked speak spoke spoken meet met
    sit sat stand stood run ran sleep slept eat ate eaten drink drank write wrote read hear heard
    finish finished start started stop stopped play played learn learned learnt study studied teach
    taught bring brought buy bought pay paid send sent keep kept hold held lose find found give gave
""")

# Adjectives and states: how someone is, not who.
STATES = _words("""
    able afraid alive alone angry annoyed anxious asleep awake aware bad beautiful best better big bored
    boring brave broke busy calm careful certain cheap clean clear clever close cold comfortable confused
    cool correct crazy curious cute dead dear deep depressed difficult dirty disabled disappointed drunk
    dry dumb early easy embarrassed empty excited exhausted expensive fair fake famous fantastic fast fat
    fine fit fluent free fresh friendly frustrated full funny furious glad good gorgeous grateful great
    grumpy guilty handsome happy hard healthy heavy helpful high homesick honest hopeful hot huge hungry
    hurt ill important impressed interested jealous keen large late lazy lonely long lost loud lovely low
    mad nervous nice open pleased poor positive possible proud quick quiet ready real relaxed relieved
    rich right sad safe scared serious short shy sick silly sleepy slow small smart sore special stressed
    strong stuck stupid sure surprised sweet tall terrible thankful thirsty tired tough true ugly unhappy
    unwell upset useful warm weak weird well wet whole wild wise wonderful worried wrong young awesome
    fun amazing brilliant excellent perfect terrific fabulous horrible awful sorry certain uncertain unsure
    stoked thrilled delighted hyped pumped chill bummed gutted knackered shattered beat wrecked done
    married single divorced engaged widowed separated pregnant retired unemployed employed self-employed
    vegan vegetarian pescatarian allergic diabetic deaf blind asthmatic epileptic autistic dyslexic
    gay straight bi bisexual lesbian trans transgender queer nonbinary non-binary cis left-handed
    right-handed colourblind colorblind colour-blind color-blind lactose intolerant gluten-free sober
    introverted extroverted introvert extrovert ambitious creative shy outgoing religious atheist agnostic
    red orange yellow green blue purple pink brown black white grey gray
    older younger elderly teenage adult male female
""")

# Jobs and roles. Surnames that are also jobs (Baker, Cook, Hunter, Mason, Miller, Smith, Taylor) are left out.
ROLES = _words("""
    accountant actor actress admin administrator analyst architect artist assistant astronaut athlete
    attorney author banker barber barista bartender biologist bookkeeper builder businessman
    businesswoman carer caregiver carpenter cashier ceo cfo cto chef chemist cleaner clerk coach coder
    consultant counsellor counselor courier cyclist dancer dentist designer detective developer director
    doctor driver economist editor educator electrician engineer entrepreneur farmer firefighter
    freelancer gardener geologist guard guide hairdresser historian housewife househusband instructor
    intern investor janitor journalist judge landlord lawyer lecturer librarian lifeguard linguist
    manager mathematician mechanic medic midwife musician nanny novelist nurse officer optician painter
    paramedic pharmacist philosopher photographer physician physicist physio physiotherapist pianist
    pilot plumber poet policeman policewoman politician postman postwoman priest principal producer
    professor programmer psychiatrist psychologist rapper receptionist recruiter reporter researcher
    retiree sailor salesman saleswoman salesperson scientist secretary sergeant shopkeeper singer soldier
    statistician student surgeon surveyor teacher technician therapist trainer translator tutor vet
    veterinarian volunteer waiter waitress welder writer youtuber streamer gamer blogger founder owner
    parent mum mom mother dad father grandma grandpa grandmother grandfather wife husband partner
    boyfriend girlfriend son daughter brother sister uncle aunt cousin nephew niece friend neighbour
    neighbor boss colleague customer client user human person guy girl boy man woman kid child baby
    teenager adult fan beginner expert newbie novice pupil graduate undergrad postgrad fresher
    programmer nerd geek
""")

# Nationalities, languages, religions: capitalised like names, but not names.
PEOPLES = _words("""
    afghan albanian algerian american andorran angolan argentine argentinian armenian australian austrian
    azerbaijani bahraini bangladeshi barbadian belarusian belgian belizean beninese bhutanese bolivian
    bosnian brazilian british bruneian bulgarian burmese burundian cambodian cameroonian canadian chadian
    chilean chinese colombian congolese croatian cuban cypriot czech danish dominican dutch ecuadorian
    egyptian emirati english eritrean estonian ethiopian fijian filipino finnish french gabonese gambian
    georgian german ghanaian greek grenadian guatemalan guinean guyanese haitian honduran hungarian
    icelandic indian indonesian iranian iraqi irish israeli italian ivorian jamaican japanese jordanian
    kazakh kenyan korean kosovar kuwaiti kyrgyz lao laotian latvian lebanese liberian libyan lithuanian
    luxembourgish macedonian malagasy malawian malaysian maldivian malian maltese mauritian mexican
    moldovan monegasque mongolian montenegrin moroccan mozambican namibian nepalese nepali nicaraguan
    nigerian nigerien norwegian omani pakistani palestinian panamanian paraguayan persian peruvian polish
    portuguese qatari romanian russian rwandan salvadoran samoan saudi scottish scots senegalese serbian
    singaporean slovak slovakian slovenian somali spanish sudanese surinamese swazi swedish swiss syrian
    taiwanese tajik tanzanian thai tibetan togolese tongan tunisian turkish turkmen ugandan ukrainian
    uruguayan uzbek venezuelan vietnamese welsh yemeni zambian zimbabwean
    african asian european latin latina latino hispanic arab arabic caribbean scandinavian nordic
    balkan slavic celtic cornish basque catalan flemish bavarian texan californian londoner parisian
    northern southern eastern western northerner southerner
    christian catholic protestant orthodox anglican lutheran methodist baptist mormon evangelical
    jewish muslim islamic hindu sikh buddhist jain pagan
    cantonese mandarin hindi urdu bengali punjabi tamil swahili hebrew yiddish latin esperanto
""")

# Words that may follow a name and end its clause: "I'm Bob and ...", "I'm Bob, how are you".
CLAUSE_ENDERS = _words("""
    and but so or because though although btw here speaking again too also now instead actually
    anyway by how what who where when why which can could would will should shall do does did is are
    am was i i'm im my you your nice pleased glad lovely good great thanks thank please lol haha hehe
    not from btw :) :-) :d ;) <3 x xx
""")

# Words that are also common first names: capitalised after "I'm", they are names ("I'm Will", "I'm May").
WORD_NAMES = _words("""
    will mark bill pat rob sue jack nick drew ray gene art dawn faith hope joy grace may june april august rose
    lily ivy holly summer autumn sunny frank earnest guy chase hunter mason rusty sandy
""")

# Lowercase words allowed between the capitalised words of a name: Ludwig van Beethoven, Leonardo da Vinci.
NAME_PARTICLES = _words("van von der den de del della da di du le la dos das ter ten bin ibn al el")

# Titles that may open a name: "call me Dr Smith".
TITLES = _words("dr mr mrs ms mx miss prof sir dame")

# Names that look like verb forms or adverbs by their ending (-ing, -ed, -ly, -ive, -ish).
NAME_EXCEPTIONS = _words("""
    sterling irving king ming ling jing bing ewing manning harding channing fleming browning golding
    alfred mohammed mohamed siegfried manfred winifred mildred wilfred elfred
    beverly kimberly shelly cicely everly
    khaled mehmed anatoly vitaly charly clive olive clement reese therese terese
""")

# Endings of adjectives, abstract nouns and verb forms: -ous, -ful, -less, -able, -ible, -ive, -ist,
# -ese, -ness, -ment, and -ing, -ed (not -eed: Rasheed), -ly on longer words.
NOT_NAME_ENDING = re.compile(
    r"^.{2,}(?:ous|ful|less|able|ible|ive|ist|ese|ness|ment)$|^.{3,}ing$|^.{4,}(?<!e)ed$|^.{4,}ly$"
)

NOT_NAMES = FUNCTION_WORDS | VERBS | STATES | ROLES | PEOPLES


def is_name_word(word: str) -> bool:
    """Whether a word may be a name, by what it is ("Italian", "tired", "called" are not)."""
    lower = word.lower().replace("’", "'")
    if lower in NAME_EXCEPTIONS:
        return True
    if lower in NOT_NAMES or lower.removesuffix("'s") in NOT_NAMES:
        return False
    last = re.split(r"[-']", lower)[-1]  # Al-Sayed: the ending that counts is Sayed's
    return last in NAME_EXCEPTIONS or not NOT_NAME_ENDING.search(last)
