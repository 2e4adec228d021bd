/**
 * What visitors are likely to say to the double (English): the openings of answers to the script's questions
 * (script/lines-en.ts) and the questions visitors ask back. The default phrase list of the language model hook;
 * `stages.stt.pocketsphinx.phrases` replaces it.
 */
export const EXPERIENCE_PHRASES_EN: readonly string[] = [
  // who are we / what is our name
  "we are the same person", "you are me", "i am you", "we are", "my name is", "our name is", "i'm called",
  // getting to know
  "i live in", "i live in a small town", "i live in the city", "i grew up in", "i grew up in a village",
  "i work as a", "i work at", "i work in", "i am a student", "i'm a teacher", "i'm retired",
  "i love", "i love walking", "i love reading", "i love music", "i love cooking", "i love my family",
  "i am good at", "i'm good at", "i'm not good at anything",
  "my wife", "my husband", "my children", "my kids", "my dog", "my cat", "my parents", "my friends", "nobody",
  "i am afraid of", "i'm afraid of", "i'm scared of", "spiders", "heights", "dying", "being alone",
  "i dream about", "i dream of", "i feel", "i feel good", "i feel nervous", "i feel strange", "a bit weird",
  "my favourite place is", "my favorite place is", "the beach", "the sea", "the mountains", "home",
  "i came here with", "i came to see the exhibition", "my friend brought me", "curiosity",
  // mirroring / reveal
  "yes", "no", "i don't know", "maybe", "i think so", "i don't think so", "not really", "of course",
  "because", "that's true", "that's not true", "you sound like me", "you look like me", "you don't look like me",
  "i am the original", "you are the copy", "i would change nothing", "i would tell myself",
  "you got me right", "that's not who i am", "that is who i am",
  // questions back
  "who are you", "what are you", "are you real", "how do you know that", "what happens to you",
  "can you hear me", "what did you say", "can you repeat that", "goodbye", "thank you", "bye",
];
