// How the suite reads the document on an accepted displayName: it must come back as sent, up to the
// normalisations the document leaves open. One rule for the fixed boundary checks and the generated ones.

/**
 * The displayNames an accepted update may echo for `sent`: the same string, its canonical (NFC)
 * equivalent, or either without leading and trailing white space (the document is silent on such
 * normalisation), also with control characters removed (a display name has no use for them); a lone
 * surrogate cannot be stored as UTF-8, so U+FFFD in its place is allowed too.
 * Anything else (a name cut short, characters dropped or replaced) is a change the 200 did not admit.
 */
export function acceptableNames(sent: string): string[] {
  const replaced = sent.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  const forms = [sent, replaced]
    .flatMap(name => [name, name.normalize('NFC')])
    .flatMap(name => [name, name.replace(/[\u0000-\u001f\u007f]/g, '')]);
  return [...new Set([...forms, ...forms.map(name => name.trim())])];
}
