import type { Language } from "@mirror/protocol";

const EN = {
  "attract.title": "Mirror",
  "attract.subtitle": "Talk with yourself.",
  "attract.start": "Start",
  "consent.accept": "I agree",
  "consent.decline": "No, thank you",
  "declined.title": "No problem.",
  "declined.body": "Nothing was recorded.",
  "photo.title": "Your face",
  "photo.hint": "Place your face inside the oval and look into the camera.",
  "photo.take": "Take photo",
  "photo.checking": "One moment…",
  "photo.retake": "Let's try that again.",
  "photo.noCamera": "We could not open the camera. Please ask someone from the staff.",
  "face.no-face": "We could not find your face. Please look into the camera, inside the oval.",
  "face.several-faces": "We see more than one face. Please make sure only you are in the picture.",
  "face.too-small": "Please come a little closer, so your face fills the oval.",
  "face.too-close": "You are a bit too close. Please step back a little.",
  "face.turned": "Please look straight into the camera.",
  "face.off-centre": "Please move so your face is inside the oval.",
  "face.too-dark": "It is too dark here. Please step into the light.",
  "face.unavailable": "The face check is not working. Please ask someone from the staff.",
  "sample.title": "Your voice",
  "sample.hint": "Press the button and read this aloud, in your normal voice:",
  "sample.sentence":
    "The rainbow is a division of white light into many beautiful colors. These take the shape of a long round arch.",
  "sample.record": "Record",
  "sample.listening": "Listening…",
  "sample.checking": "Checking…",
  "sample.retake": "Try again",
  "sample.noMic": "We could not open the microphone. Please ask someone from the staff.",
  "problem.no-speech": "We did not hear anything. Please read the sentence aloud.",
  "problem.too-short": "That was a bit short. Please read the whole sentence.",
  "problem.too-quiet": "We could hardly hear you. Please come a little closer and speak up.",
  "problem.clipped": "That was too loud. Please step back a little.",
  "problem.two-voices": "We heard more than one voice. Please read the sentence on your own, while the others stay quiet.",
  "clone.title": "Making your double…",
  "clone.body": "Your face and voice are being copied. This takes a few seconds.",
  "conversation.listening": "Listening",
  "conversation.end": "End",
  "farewell.title": "Thank you.",
  "farewell.body": "Your double says goodbye.",
  "purged.title": "Your face and voice have been deleted.",
  "purged.body": "Nothing of your visit is kept.",
  "purged.bodyKept": "As you were told before you began, a part of your visit is kept for a while.",
  "receipt.keptUntil": "Kept until",
  "receipt.photo": "Your photo",
  "receipt.voice": "Your voice recording",
  "receipt.words": "What you said",
  "receipt.replies": "What your double said",
  "receipt.other": "Other data of your visit",
  "receipt.verified": "Deleted and checked at",
  "receipt.unverified": "Deleted at",
  "receipt.code": "Your deletion receipt (staff can check it):",
  "error.generic": "Something went wrong. Let's try again.",
  "status.reconnecting": "Reconnecting…",
} as const;

export type TextKey = keyof typeof EN;

const NL: Record<TextKey, string> = {
  "attract.title": "Mirror",
  "attract.subtitle": "Praat met jezelf.",
  "attract.start": "Start",
  "consent.accept": "Akkoord",
  "consent.decline": "Nee, dank je",
  "declined.title": "Geen probleem.",
  "declined.body": "Er is niets opgenomen.",
  "photo.title": "Je gezicht",
  "photo.hint": "Plaats je gezicht in het ovaal en kijk in de camera.",
  "photo.take": "Maak foto",
  "photo.checking": "Een moment…",
  "photo.retake": "Laten we het nog eens proberen.",
  "photo.noCamera": "De camera kon niet worden geopend. Vraag het even aan een medewerker.",
  "face.no-face": "We konden je gezicht niet vinden. Kijk in de camera, binnen het ovaal.",
  "face.several-faces": "We zien meer dan één gezicht. Zorg dat alleen jij in beeld bent.",
  "face.too-small": "Kom wat dichterbij, zodat je gezicht het ovaal vult.",
  "face.too-close": "Je staat iets te dichtbij. Doe een stapje terug.",
  "face.turned": "Kijk recht in de camera.",
  "face.off-centre": "Schuif zo dat je gezicht binnen het ovaal valt.",
  "face.too-dark": "Het is hier te donker. Ga wat meer in het licht staan.",
  "face.unavailable": "De gezichtscontrole werkt niet. Vraag het even aan een medewerker.",
  "sample.title": "Je stem",
  "sample.hint": "Druk op de knop en lees dit hardop voor, met je gewone stem:",
  "sample.sentence":
    "De regenboog is een verdeling van wit licht in vele prachtige kleuren. Die nemen de vorm aan van een lange ronde boog.",
  "sample.record": "Opnemen",
  "sample.listening": "Ik luister…",
  "sample.checking": "Even controleren…",
  "sample.retake": "Opnieuw",
  "sample.noMic": "De microfoon kon niet worden geopend. Vraag het even aan een medewerker.",
  "problem.no-speech": "We hoorden niets. Lees de zin hardop voor.",
  "problem.too-short": "Dat was wat kort. Lees de hele zin voor.",
  "problem.too-quiet": "We hoorden je nauwelijks. Kom iets dichterbij en spreek wat luider.",
  "problem.clipped": "Dat was te hard. Ga een stapje terug.",
  "problem.two-voices": "We hoorden meer dan één stem. Lees de zin alleen voor, terwijl de anderen even stil zijn.",
  "clone.title": "Je dubbelganger wordt gemaakt…",
  "clone.body": "Je gezicht en stem worden gekopieerd. Dit duurt een paar seconden.",
  "conversation.listening": "Ik luister",
  "conversation.end": "Stoppen",
  "farewell.title": "Dank je wel.",
  "farewell.body": "Je dubbelganger neemt afscheid.",
  "purged.title": "Je gezicht en stem zijn gewist.",
  "purged.body": "Er wordt niets van je bezoek bewaard.",
  "purged.bodyKept": "Zoals je vooraf is verteld, wordt een deel van je bezoek een tijd bewaard.",
  "receipt.keptUntil": "Bewaard tot",
  "receipt.photo": "Je foto",
  "receipt.voice": "Je stemopname",
  "receipt.words": "Wat je zei",
  "receipt.replies": "Wat je dubbelganger zei",
  "receipt.other": "Andere gegevens van je bezoek",
  "receipt.verified": "Gewist en gecontroleerd om",
  "receipt.unverified": "Gewist om",
  "receipt.code": "Je verwijderbewijs (medewerkers kunnen het controleren):",
  "error.generic": "Er ging iets mis. We proberen het opnieuw.",
  "status.reconnecting": "Opnieuw verbinden…",
};

const TEXTS: Record<Language, Record<TextKey, string>> = { en: EN, nl: NL };

export function isTextKey(key: string): key is TextKey {
  return key in EN;
}

export function text(lang: Language, key: TextKey): string {
  return TEXTS[lang][key];
}

/** Sets the text of every `[data-i18n]` element under `root`. */
export function applyLanguage(root: ParentNode, lang: Language): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    const key = el.dataset.i18n as TextKey | undefined;
    if (key && key in EN) el.textContent = text(lang, key);
  }
}
