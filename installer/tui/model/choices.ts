/**
 * The short lists the location screen searches. Time zones come from the runtime's own IANA
 * list (Intl); keyboards and locales are the common ones (a profile may name any other).
 */
// biome-ignore format: a list
export const KEYBOARDS = [
  'us',
  'gb',
  'de',
  'fr',
  'es',
  'it',
  'pt',
  'br',
  'ch',
  'at',
  'be',
  'nl',
  'dk',
  'no',
  'se',
  'fi',
  'is',
  'ie',
  'pl',
  'cz',
  'sk',
  'hu',
  'ro',
  'bg',
  'gr',
  'tr',
  'ru',
  'ua',
  'by',
  'lt',
  'lv',
  'ee',
  'si',
  'hr',
  'rs',
  'jp',
  'kr',
  'cn',
  'tw',
  'il',
  'ara',
  'in',
  'latam',
  'ca',
  'au',
] as const;

// biome-ignore format: a list
export const LOCALES = [
  'en_US.UTF-8',
  'en_GB.UTF-8',
  'en_IE.UTF-8',
  'en_CA.UTF-8',
  'en_AU.UTF-8',
  'en_IN.UTF-8',
  'de_DE.UTF-8',
  'de_AT.UTF-8',
  'de_CH.UTF-8',
  'fr_FR.UTF-8',
  'fr_BE.UTF-8',
  'fr_CA.UTF-8',
  'fr_CH.UTF-8',
  'es_ES.UTF-8',
  'es_MX.UTF-8',
  'it_IT.UTF-8',
  'pt_PT.UTF-8',
  'pt_BR.UTF-8',
  'nl_NL.UTF-8',
  'nl_BE.UTF-8',
  'da_DK.UTF-8',
  'nb_NO.UTF-8',
  'sv_SE.UTF-8',
  'fi_FI.UTF-8',
  'is_IS.UTF-8',
  'pl_PL.UTF-8',
  'cs_CZ.UTF-8',
  'sk_SK.UTF-8',
  'hu_HU.UTF-8',
  'ro_RO.UTF-8',
  'bg_BG.UTF-8',
  'el_GR.UTF-8',
  'tr_TR.UTF-8',
  'ru_RU.UTF-8',
  'uk_UA.UTF-8',
  'lt_LT.UTF-8',
  'lv_LV.UTF-8',
  'et_EE.UTF-8',
  'sl_SI.UTF-8',
  'hr_HR.UTF-8',
  'sr_RS.UTF-8',
  'ja_JP.UTF-8',
  'ko_KR.UTF-8',
  'zh_CN.UTF-8',
  'zh_TW.UTF-8',
  'he_IL.UTF-8',
  'ar_EG.UTF-8',
  'hi_IN.UTF-8',
  'C.UTF-8',
] as const;

let zones: string[] | undefined;
/** Every IANA time zone the runtime knows, UTC first. */
export function timeZones(): string[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  return zones;
}

/** The entries holding `filter` (any case), those starting with it first. */
export function searchList(list: readonly string[], filter: string): string[] {
  const f = filter.toLowerCase();
  if (!f) return [...list];
  const hits = list.filter((x) => x.toLowerCase().includes(f));
  const starts = (x: string) => x.toLowerCase().startsWith(f) || x.toLowerCase().includes(`/${f}`);
  return [...hits.filter(starts), ...hits.filter((x) => !starts(x))];
}
