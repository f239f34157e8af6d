/**
 * The problem lexicon: for each problem a customer-service or supplier-quality team sees, families
 * of cues (see cues.ts) that name it, weighted by how surely they do:
 *   3  names the problem on its own ("never arrived", "charged twice", "locked out"),
 *   2  usually names it ("delayed", "dented", "on hold"),
 *   1  leans towards it (the things and people the problem is about: "courier", "cashier").
 * Written from the domain, as families of synonyms and verb + object phrases rather than from
 * any one data set, so paraphrases nobody listed still land ("box showed up in pieces", "still
 * waiting on that desk"). A post names the problems with the highest score (see vocabulary.ts).
 */
import { CueSet } from './cues';

export const PROBLEM_CUES: Record<string, Array<[number, string]>> = {
  late: [
    [
      3,
      'taking forever|taking ages|held up|running late|in limbo|gone missing|no update*|no news|backorder*|back order*|failed deliver*|deliver* attempt*|attempted deliver*|wrong address|yet to arriv*|yet to receiv*|still ! got|still ! have it|! got it|! get it|! receiv* it|order status|any update|how much longer|sitting in a warehouse|still in transit|! arriv*|! deliver*|! receiv*|! turn* up|! show* up|! come|! came|! here yet|! ship*|! dispatch*|! left the warehouse|still wait*|been wait*|keep* wait*|where is my|where my|wheres my|where are my|where is it|wheres it|no sign|nothing yet|still nothing|still no|' +
        'await* dispatch*|await* shipment|stuck in transit|stuck at customs|stuck in customs|held at customs|held in customs|lost in transit|lost in the post|lost in the mail|missed deliver*|missed the deliver*|deliver* window|deliver* slot|out for deliver*|' +
        'estimated arriv*|estimated deliver*|expected deliver*|expected it|expecting it|supposed to arriv*|supposed to come|supposed to be deliver*|supposed to be here|meant to arriv*|meant to ship|meant to come|due to arriv*|promised by|promised for|' +
        'track* ! updat*|track* ! mov*|track* ! chang*|track* stuck|track* says|in transit for|days and counting|weeks and counting|and counting|pushed back|keeps moving|keep* getting pushed|reschedul*|late deliver*|deliver* late|deliver* delay*|delay* deliver*|' +
        'overdue|behind schedule|never came|nobody came|no one came|nobody turned up|no one turned up|says deliver*|said deliver*|marked as deliver*|shows deliver*|showing deliver*|nothing at my door|missing parcel|missing package|lost my parcel|lost my package|lost parcel|' +
        'lost package|when will it|when does it|when will my|when does my|when is my|how long does|how long will|on its way|still show*|still says|still processing|preparing|ever arriv*|ever come|ever ship|actually ship|actually arriv*|actually come|actually show',
    ],
    [2, 'late|later|delay*|wait*|eta|depot|customs|missed|stuck|missing|preorder*|pre order|lost|due|expected|yet'],
    [1, 'track*|courier*|parcel*|package*|shipment*|dispatch*|shipp*|ship|arriv*|deliver*|postman|post office|warehouse|still|order|ordered|week*|days'],
  ],
  damaged: [
    [
      3,
      'busted|warped|scuff*|dinged|tamper*|stained|marks on it|seal broken|broken seal|crumpled|mashed|buckled|came in bits|bent out of shape|arriv* broken|arriv* damag*|arriv* smash*|arriv* crush*|arriv* shatter*|arriv* dent*|arriv* bent|arriv* ruin*|arriv* squash*|arriv* in piec*|came broken|came damag*|came smash*|came crush*|came shatter*|came crack*|came dent*|came bent|came snap*|came ripp*|came torn|' +
        'came in piec*|show* up broken|show* up damag*|show* up in piec*|turn* up broken|turn* up damag*|in piec*|in bits|broken on arriv*|damag* on arriv*|damag* in transit|broken in transit|damag* dur* shipp*|broken dur* shipp*|damag* in the post|from shipp*|dur* shipp*|' +
        'dur* transit|dur* deliver*|in transit|box was open|box open*|box torn|box crush*|box destroy*|box damag*|box smash*|packag* destroy*|packag* torn|packag* damag*|packag* crush*|poorly pack*|badly pack*|bad packag*|no packag*|inadequate packag*|packag* inadequate|flimsy packag*|' +
        'thrown|threw it|throw* it|dropped it|clearly dropped|run over|caved in|cave in|banged up|bashed|smashed|crushed|dented|shattered|squashed|squished|mangled|gouge*|water damag*|soaking|soaked|drenched|burst in|broken glass|glass everywhere|hole in the box',
    ],
    [2, 'damag*|smash*|crush*|dent|dents|dented|shatter*|scratch*|torn|ripp*|burst|spill*|wreck*|ruin*|bent|chipp*|broken|bashed|battered|leak*|wet|dropped|unbox*|open* the box|open* the parcel|open* the package'],
    [1, 'box|carton*|packag*|courier*|driver*|deliver*|crate*|wrap*|parcel*|arriv*|came|corner*'],
  ],
  cracked: [
    [3, 'crack*|hairline|fractur*|split open|splits open|split down|split along|split at'],
    [1, 'seam|housing*|casing*|shell|enclosure*'],
  ],
  defective: [
    [
      3,
      'shoddy|poorly made|badly made|fell to bits|intermittent*|came loose|comes loose|misalign*|shrank|shrunk|pilling|bobbl*|hole in|holes in|broken zip|zip broke|kaput|bricked|dud|knackered|snapped|! lock*|! close*|! stay* on|! last*|doesnt last|battery dies|battery died|! hold* charge|disconnects|keeps dropping|stop* work*|! work*|quit work*|! turn* on|! power* on|! switch* on|! start*|! charg*|! hold* a charg*|! come back on|! heat*|! cool*|! cold|! drain*|! spin*|! register*|! respond*|! seal*|! fit*|! connect*|! pair*|does nothing|do nothing|' +
        'dead on arriv*|doa|fell apart|falls apart|falling apart|came apart|come* apart|broke after|broken after|died after|dies after|dead after|gave up after|gave out|conked out|packed up|packed in|fell off|came off|come* off|peel*|came undone|coming undone|' +
        'keeps restart*|keep* restart*|random* restart*|keeps turning off|keeps switching off|turns itself off|shuts off|cuts out|cut* out|error code|throws error|throws an error|defect*|faulty|fault|malfunction*|out of spec|off spec|out of tolerance|tolerance|reject rate|' +
        'loses suction|lost suction|no suction|loses charge|drains fast|battery drain*|poor quality|bad quality|cheap quality|quality issue|quality problem|build quality|within a week|within a month|after a week|after a month|first use|' +
        'stopped|broke|sagg*|wobbl*|rattl*|grind*|jams|jammed|jamming|sticks|sticky|crackl*|flicker*|buzz*|hiss*|drip*|seized|brittle|worn out|wore out|wearing through|frayed',
    ],
    [2, 'broken|dead|died|dies|dying|fail*|useless|rubbish|junk|garbage|flimsy|cheap|quality|warranty|repair*|replacement|faulty|noisy|noise|nois*|stuck|leak*|error|restart*'],
    [1, 'unit|units|batch|lot|sn|brand new|new|week|month|months|days|use|uses|device|machine|appliance*|product|item|bought'],
  ],
  wrong_item: [
    [
      3,
      'not as described|not as pictured|not as advertised|nothing like the|looks nothing like|fake|counterfeit|knock off|knockoff|already used|been used|clearly used|used item|second hand|secondhand|expired|out of date|best before|missing part*|missing piece*|incomplete|short by|one short|wrong item*|wrong size|wrong colour|wrong color|wrong model|wrong product|wrong one|wrong version|wrong thing|wrong part*|wrong grade|wrong spec*|sent the wrong|sent me the wrong|sent wrong|received the wrong|got the wrong|! what i order*|! what i paid for|! what i bought|! what i asked|' +
        '! my order|someone else* order|someone else* parcel|someone else* package|instead of|order* ... got|order* ... received|order* ... sent|order* ... came|asked for ... sent|asked for ... got|selected ... sent|expect* ... got|specified ... received|item* missing|missing item*|' +
        'missing from|missing the|is missing|are missing|was missing|were missing|only got|only received|only had|only one|only half|half my order|half of my order|the rest of my order|rest of my order|where is the rest|without the|mislabel*|substitut*|mix* up|different model|different colour|' +
        'different color|different size|different item|different product|! match the|does ! match|! the one i|counted|short shipment|short deliver*|short shipped|completely different|totally different',
    ],
    [2, 'wrong|missing|size|colour|color|model|version|pack of|variant|quantity|label*|ordered|selected|specified|received'],
    [1, 'box|package|parcel|order|sent|got|item*'],
  ],
  overcharged: [
    [
      3,
      'ripped off|rip off|direct debit|debit came out|overpaid|paid more than|rang up|scanned wrong|shelf price|pending charge|hold on my card|estimated bill|bill shock|admin charge|charged extra|charg* twice|paid twice|pay twice|paid double|charg* me twice|charg* double|double charg*|double bill*|double dip*|bill* twice|bill* me twice|two payments|three payments|2 payments|3 payments|two debits|two charges|duplicate charg*|duplicate payment*|overcharg*|over charg*|charg* me for|charg* for|billed for|bill* us for|' +
        'took money|take money|taken money|took the deposit|taking money|taking my money|wrong amount|wrong price|wrong total|wrong rate|wrong vat|incorrect|extra charg*|extra fee*|hidden fee*|hidden charg*|unexpected charg*|surprise charg*|service fee|admin fee|booking fee|random charg*|mystery charg*|' +
        'unauthori*|! authori*|card hit|card got hit|charg* my card|charg* the card|charg* my old|promo code|discount code|coupon|full price|sale price|receipt says|statement shows|bank shows|on my statement|my statement|invoice ... wrong|wrong ... invoice|bill ... wrong|' +
        'pre auth|preauth|never released|reverse the|payment reminder*|still sending me|vat added|late fee|charg* ... already|charg* ... cancel*|didnt order|did ! order|i only bought|only bought one',
    ],
    [2, '=charged|=billed|=debited|=costing|cost me'],
    [1, 'charge|bill|billing|invoice*|fee|fees|debit*|transaction*|receipt|statement|quote|quoted|deposit|payment*|paid|total|vat|tax|card|bank|account|price|money|amount|twice|double|month'],
  ],
  price_rise: [
    [
      3,
      'price increas*|price rise*|price hike*|prices up|price up|price went up|prices went up|went up|gone up|going up|goes up|creep* up|up again|up by|hike*|hiking|increas*|rais* price*|rais* the price*|rise|risen|rising|dearer|more expensive|pricier|cost* more|pay* more|paying more|more for less|' +
        '=doubled|=tripled|jumped|jump|surcharg*|inflation|shrinkflation|smaller|price goug*|gouging|no longer free|used to be free|used to be|renewal|rates went|tariff|price freeze',
    ],
    [2, 'price*|cost*|fare|fares|rate|rates|rent|fee|fees|expensive|afford*|quote|renew*|annual|licence|license|subscription|plan|portions|bill'],
    [1, 'pay|paying|more|again|year|month|every|now'],
  ],
  unpaid: [
    [
      3,
      '! been paid|! paid|never paid|! get* paid|unpaid|owe us|owe me|owes us|owes me|owed me|owed us|owed|past due|overdue invoice*|invoice* overdue|outstand*|net 30|net 60|net 90|payment terms|our terms|payment run|accounts payable|ap team|remittance|cheque|check is in the post|in the post|settlement|' +
        'pay your vendors|pay their suppliers|pay suppliers|pay the small|pay your suppliers|late payment*|pay late|paying late|slow to pay|forever to pay|take* forever to pay|still chasing|chasing|chase|reminder*|await* payment|wait* for payment|waiting on payment|' +
        'payment was due|payments go out|payment portal|rejected the invoice|finance|when will we be paid|when do we get paid|get paid|be paid',
    ],
    [2, 'vendor*|supplier*|freelanc*|contractor*|small business'],
    [1, 'invoice*|inv|payment*|paid|pay|business|due|days|months|terms|amount|balance'],
  ],
  refund: [
    [
      3,
      '! refund*|out of pocket|paid back|pay me back|get my money|give me my money|where is my money|money has ! come back|money ! come back|! seen my money|still ! credited|refund*|reimburs*|money back|my money|the money|credit note|chargeback|charge back|credit back|put it back|back on my card|back to my card|back in my account|back into my account|return credit|store credit|instead of a refund|credited|credit for|' +
        'credit the|never credited|be credited|kept my money|kept the money|owe me|owes me|deposit back|partial*',
    ],
    [2, 'returned|sent it back|sent back|sent the item back|cancelled order|cancelled my order|approved|processed|pending|finance team|credit|guarantee|bank|card|account'],
    [1, 'return*|days|weeks|still|money|cash|paid'],
  ],
  no_response: [
    [
      3,
      'pillar to post|round in circles|on the phone for|hours on the phone|nobody can help|no one can help|get through|get hold of|hear back|heard back|still no word|no word|voicemail|left messages|left a message|out of office|promised to call|on hold|hold music|hold for|no repl*|! repl*|never repl*|no respon*|! respon*|never respon*|no answer*|! answer*|never answer*|nobody answer*|no one answer*|! get* back|never got back|never get back|get back to me|call* back|callback|never call*|ignor*|ghost*|left on read|seen no|radio silence|' +
        'auto repl*|automat* repl*|chat bot|chatbot|bot|no human|a human|real person|talk to a person|speak to a person|talk to someone|speak to someone|unreachable|! reach|can ! reach|impossible to contact|no way to contact|can ! contact|! contact|hangs up|hung up|line went dead|went dead|' +
        'always busy|line busy|line is busy|busy all day|high demand|queue|in the queue|transfer*|bounced|mailbox full|no email address|contact form|rang out|rings out|just rings|keeps ringing|! assigned|! looked at|nobody has looked|no one has looked|closed my ticket|' +
        'get a response|get a reply|only way to get|phone menu|no option to|waiting for a repl*|waiting for a respon*|waiting for an answer|an agent will|agent will be|disconnected|! a single repl*|! even an acknowledg*',
    ],
    [2, 'support|customer service|customer care|helpdesk|help desk|help centre|help center|helpline|hotline|call centre|call center|contact*|emailed|email*|phone*|dm|chat|agent*|account manager|rep|ticket*|case|complaint|rang|called|calling|call'],
    [1, 'anyone|somebody|someone|nobody|working|urgent|times|days|week|asked|tried|wait*'],
  ],
  rude_staff: [
    [
      3,
      'rude*|rudest|impolite|disrespect*|condescend*|patronis*|patroniz*|dismissive|mock*|laugh* at|laughing|sneer*|rolled her eyes|rolled his eyes|rolled their eyes|rolls her eyes|eye roll*|sigh|sighed|sighing|sighs|swore|swear*|cursed|shout*|yell|yelled|yelling|scream*|aggressive*|hostile|arrogant|attitude|sarcastic|' +
        'snap* at|snapped|snarky|nasty|unfriendly|unprofessional|abusive|abuse|insult*|belittl*|embarrass*|humiliat*|spoken to like|speak to customers|talk to customers|talked to me|spoke to me|treated like|treat customers|followed me|told me to go|told me to|refused to serve|' +
        'argued|argu*|comment on my|racist|sexist|stupid|my own fault|my fault|called me|attitude problem|disgusting|terrible service|worst service|bad service|customer service i|ignored me|ignoring me',
    ],
    [2, 'staff|employee*|cashier*|manager|waiter|waitress|receptionist|assistant|driver|crew|attendant*|gate agent|security|guard|technician|engineer|clerk|worker*|lady|guy|tone|behaviour|behavior|manner*|till|counter|desk'],
    [1, 'he|she|him|her|his|they|store|shop|branch|hotel|agent|rep'],
  ],
  login: [
    [
      3,
      'forgot* password|session expired|sms code|security code|auth code|account blocked|account closed|account frozen|email ! recogni*|wrong password|can ! access|cannot access|let me log|log in|login|log into|logging in|sign in|signin|sign into|signing in|signed in|logged in|logged out|log out|log* me out|kick* me out|kicked out|locked out|lock* me out|lock out|locked|password*|passcode|2fa|two factor|authenticat*|verif*|otp|one time code|captcha|credential*|username|user name|' +
        'user not found|account not found|no account found|recover my account|account recovery|hack*|compromised|suspended|deactivated|disabled|banned|reset link|reset email|security question*|security answer*|face id|touch id|fingerprint|recogni*|remember me|access my account|get into my account|' +
        'into my account|lost access|no access|my account|my profile|already registered|new account|second account|empty account|account page|account disappeared|members area|member area|portal login|! accept* our|let me in|let me through|token invalid|invalid token',
    ],
    [2, 'account*|profile|email|sign up|registered|register|details|access|members|loyalty'],
    [1, 'app|site|website|phone|laptop|again'],
  ],
  outage: [
    [
      3,
      'crash*|froze|freez*|frozen|hangs|laggy|lags|lagging|glitch*|bug|bugs|buggy|white screen|blank screen|spinner|! load*|loading|time* out|timed out|timeout|redirect loop|loop*|force clos*|keeps closing|closes itself|closing itself|splash screen|reinstall*|uninstall*|since the update|after the update|' +
        'new version|latest version|latest update|the update|site down|site is down|website down|website is down|app down|server* down|down again|down for|outage*|offline|500|502|503|504|404|something went wrong|nothing happens|does nothing|not sync*|sync|reconnect*|lost connection|' +
        'unusable|errors|error message|throwing errors|page will ! load|will ! open|wont open|! open|add to bag|add to basket|add to cart|place an order|place my order',
    ],
    [2, 'app|apps|website|site|web|webpage|page|portal|online|checkout|screen|tool|system|platform|browser|safari|chrome|firefox|android|iphone|ios|button*|click*|tap|taps|tapped|tapping|update*|version|error|down|broken|upload*|search|menu|notification*'],
    [1, 'phone|laptop|basket|cart|booking|order|payment page|every time|keeps|again'],
  ],
  cancel: [
    [
      3,
      'exit fee|early termination|termination fee|stop billing|stop taking|stop charging|renewed without|hard to leave|impossible to leave|cancel my|to cancel|cancel the|cancel it|cancel this|want to cancel|trying to cancel|tried to cancel|how do i cancel|how to cancel|! cancel|cant cancel|unsubscrib*|terminat*|opt out|close my account|closing my account|delete my account|delete my data|end my|ended it|stop my subscription|stop the subscription|' +
        'stop the monthly|stop the|how do i stop|auto renew*|autorenew*|renewed my|renewed after|reactivat*|notice period|retention|keeps coming|keep coming|still coming|still getting|still get|still being sent|keeps sending|keep sending|get out of|let me go|let me leave|leaving|signing up|sign up|signed up|' +
        'downgrad*|pause*|paused|pausing|end the lease|end the contract|out of this contract|out of my contract|free trial|trial turned|cancel* ... shipped|cancel* ... anyway|cancellation|cancelled|canceled|cancel|quit|gdpr',
    ],
    [2, 'subscription*|membership*|contract*|plan|trial|renew*|account|lease|gym|magazine|box|service agreement|agreement|standing order|insurance|broadband'],
    [1, 'leave|stop|month*|year|button|letter|branch'],
  ],
  safety: [
    [
      3,
      'scald*|singe*|zapp*|tingl*|cut myself|bleed*|food poisoning|sick after|ill after|vomit*|mould*|mold|contaminat*|foreign object|glass in|metal in|rash|irritat*|combust*|blew up|fire hazard|burning smell|smells like burning|smell of burning|fire|flame*|smoke|smoking|smoked|burn*|scorch*|melt*|spark|sparks|sparked|sparking|explod*|explosion|shock|shocked|electric shock|electrocut*|overheat*|too hot|hot to touch|hot enough|hot while|really hot|so hot|swell*|swollen|bulg*|hazard*|danger*|unsafe|safety|injur*|hurt|hospital|a e|emergency|recall*|toxic|fumes|' +
        'chemical smell|allerg*|reaction|chok*|swallow*|trapped|exposed wir*|live wire|breaker|tripped the|blew off|blew up|blow up|caught fire|on fire|could have been|could ve been|nearly|sharp|splinter*|poison*|brake* fail*|flash',
    ],
    [2, 'hot|heat|smell*|cable|wire*|wiring|plug|socket|charger|battery|batteries|power bank|adapter|kids|child|baby|son|daughter|accident'],
    [1, 'warning|scary|scared|terrifying|lucky'],
  ],
  flight: [
    [
      3,
      'flight*|plane|airline*|airport|gate|boarding|boarded|deplan*|tarmac|runway|take off|took off|takeoff|landed|landing|land at|lands|departure*|depart*|connecting|connection|layover|stopover|overbook*|bumped|rebook*|rebooking|divert*|pilot|cabin|check in|aircraft|' +
        'return flight|operational reasons|technical issue|schedule change|departure board',
    ],
    [2, 'delay*|cancel*|pulled|stuck|missed|overnight|compensation|voucher|crew|hotel|hours|hrs'],
    [1, 'wait*|home|trip|travel*|queue*'],
  ],
  baggage: [
    [
      3,
      'luggage|baggage|suitcase*|carousel|belt|bag tag|checked bag*|checked a bag|check* bag*|bags checked|stroller|pushchair|pram|car seat|wheelchair|airtag|air tag|tracing|tracer|lost my bag|lost bag|bag lost|bag missing|missing bag|my bag|our bags|bags from|bags left|' +
        'bag did ! land|bag never|bags never|bag finally|bag made it|bags made it|bag delivery|bag has been|the bag|a bag|my case|hand luggage|gate checked',
    ],
    [2, 'bag|bags|landed|flight|airport|airline|claim|delivered to|vanished|left behind|missing|lost|found|arrived|arrive'],
    [1, 'hotel|clothes|medication|stuff|things'],
  ],
  returns: [
    [
      3,
      'return label|returns label|return polic*|returns polic*|return window|returns portal|return portal|returns page|return page|return form|return code|return address|returns desk|return desk|return shipping|return postage|free returns|prepaid label|prepaid return|print a label|a label|' +
        'drop off|dropped the return|collect my return|collected my return|collection option|rma|exchang*|swap|send back|send it back|sending back|sending it back|send them back|=return it|=return an|=return a|=return the|=return my|=return someth*|=returning|how do i return|how to return|' +
        'can i return|to return|eligible|refused my return|refuse* the return|original packaging|gift receipt|without the receipt|without a receipt|no receipt|restock* fee|take the return|accept a return|process the return|process it|started a return|the return|a return|my return|=returns',
    ],
    [2, 'return|returned|label|post office|packaging|receipt|in store|store|shop'],
    [1, 'item|order|box|policy|days'],
  ],
};

export const problemCues = new CueSet(PROBLEM_CUES);
