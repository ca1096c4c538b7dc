import type { CopyLanguage } from '../types.ts';

type Words = Record<CopyLanguage, string>;

/**
 * What the offline writer can say about a feature that sets a segment apart, recognised by its
 * column name (English, Spanish or Portuguese; the demo's columns are upper-case Spanish:
 * SUM_ESC_ROAMING_SALIENTE_VOZ, DIAS_ULTIMA_RECARGA). `high` / `low` speak to a segment above or
 * below everyone's average; `retain` addresses the feature when it is a top churn reason.
 * Order matters: the first match wins, so DIAS_ULTIMA_RECARGA is recency, not recharges.
 */
export interface CopyTheme {
  id: string;
  pattern: RegExp;
  high: Words;
  low: Words;
  retain?: Words;
}

export const COPY_THEMES: CopyTheme[] = [
  {
    id: 'recency',
    pattern: /dias?_ultim|days?_since|recen(cy|cia)|last_(purchase|order|visit|recharge)|inactiv/i,
    high: {
      en: 'It has been a while since we last heard from you, and we miss you.',
      es: 'Hace tiempo que no sabemos de ti y te extrañamos.',
      pt: 'Faz tempo que não temos notícias suas, e sentimos sua falta.',
    },
    low: {
      en: 'Thank you for staying active with us.',
      es: 'Gracias por seguir activo con nosotros.',
      pt: 'Obrigado por continuar ativo com a gente.',
    },
    retain: {
      en: 'Come back this week and it is yours.',
      es: 'Vuelve esta semana y es tuyo.',
      pt: 'Volte esta semana e é seu.',
    },
  },
  {
    id: 'support',
    pattern: /atencion|support|complain|reclam|queja|ticket|care|soporte|suporte/i,
    high: {
      en: 'You have been in touch with our support team lately, and we want everything to work for you.',
      es: 'Has hablado con nuestro equipo de atención hace poco y queremos que todo funcione bien para ti.',
      pt: 'Você falou com nosso atendimento há pouco e queremos que tudo funcione bem para você.',
    },
    low: {
      en: 'We are glad everything is running smoothly for you.',
      es: 'Nos alegra que todo funcione bien para ti.',
      pt: 'Ficamos felizes que tudo esteja funcionando bem para você.',
    },
    retain: {
      en: 'If anything is not working as it should, reply to this message and we will sort it out.',
      es: 'Si algo no funciona como debería, responde a este mensaje y lo resolvemos.',
      pt: 'Se algo não estiver funcionando como deveria, responda esta mensagem e a gente resolve.',
    },
  },
  {
    id: 'travel',
    pattern: /roaming|travel|viaj|viag|internac|internaz|international|intl/i,
    high: {
      en: 'We know you like to stay connected when you travel.',
      es: 'Sabemos que te gusta estar conectado cuando viajas.',
      pt: 'Sabemos que você gosta de ficar conectado quando viaja.',
    },
    low: {
      en: 'Travelling soon? Your line can come with you.',
      es: '¿Vas a viajar? Tu línea puede ir contigo.',
      pt: 'Vai viajar? Sua linha pode ir com você.',
    },
    retain: {
      en: 'Wherever you go, you stay connected with no surprises on your bill.',
      es: 'Vayas donde vayas, sigues conectado y sin sorpresas en tu factura.',
      pt: 'Aonde você for, continua conectado e sem surpresas na conta.',
    },
  },
  {
    id: 'tenure',
    pattern: /antig[uü]edad|antiguidade|tenure|months?_active|meses|customer_since|seniority/i,
    high: {
      en: 'You have been with us for a long time, and we are grateful.',
      es: 'Llevas mucho tiempo con nosotros y te lo agradecemos.',
      pt: 'Você está com a gente há muito tempo, e somos gratos por isso.',
    },
    low: {
      en: 'You joined us recently, and we want you to get the most out of it.',
      es: 'Te uniste hace poco y queremos que le saques el máximo provecho.',
      pt: 'Você chegou há pouco e queremos que aproveite ao máximo.',
    },
    retain: {
      en: 'It is our way of saying thank you for choosing us.',
      es: 'Es nuestra forma de agradecerte que nos elijas.',
      pt: 'É o nosso jeito de agradecer por você nos escolher.',
    },
  },
  {
    id: 'recharge',
    pattern: /recarg|recharge|top_?up/i,
    high: {
      en: 'Thank you for topping up with us so often.',
      es: 'Gracias por recargar con nosotros tan seguido.',
      pt: 'Obrigado por recarregar com a gente com tanta frequência.',
    },
    low: {
      en: 'We have noticed you top up less than before.',
      es: 'Notamos que recargas menos que antes.',
      pt: 'Percebemos que você recarrega menos do que antes.',
    },
    retain: {
      en: 'Your next top-up goes further.',
      es: 'Tu próxima recarga rinde más.',
      pt: 'Sua próxima recarga rende mais.',
    },
  },
  {
    id: 'data',
    pattern: /datos|dados|(^|_)data($|_)|_mb($|_)|megas|internet|(^|_)gb($|_)/i,
    high: {
      en: 'You use a lot of mobile data.',
      es: 'Usas muchos datos móviles.',
      pt: 'Você usa bastante internet móvel.',
    },
    low: {
      en: 'You could be getting more out of your mobile data.',
      es: 'Podrías sacarle más provecho a tus datos móviles.',
      pt: 'Você pode aproveitar mais a sua internet móvel.',
    },
  },
  {
    id: 'messages',
    pattern: /sms|mensaj|mensag|messag/i,
    high: {
      en: 'You keep in touch by message a lot.',
      es: 'Te comunicas mucho por mensajes.',
      pt: 'Você se comunica muito por mensagens.',
    },
    low: {
      en: 'Staying in touch can be simpler.',
      es: 'Mantenerte en contacto puede ser más simple.',
      pt: 'Manter contato pode ser mais simples.',
    },
  },
  {
    id: 'calls',
    pattern: /voz|voice|calls?|llamad|ligac|minut/i,
    high: {
      en: 'You make a lot of calls.',
      es: 'Haces muchas llamadas.',
      pt: 'Você faz muitas ligações.',
    },
    low: {
      en: 'You may be paying for more minutes than you use.',
      es: 'Quizás pagas por más minutos de los que usas.',
      pt: 'Talvez você pague por mais minutos do que usa.',
    },
  },
  {
    id: 'value',
    pattern: /monto|amount|revenue|spend|gasto|ingreso|receita|valor|saldo|balance|monetary|value|arpu/i,
    high: {
      en: 'You are one of our most valued customers.',
      es: 'Eres uno de nuestros clientes más valiosos.',
      pt: 'Você é um dos nossos clientes mais valiosos.',
    },
    low: {
      en: 'We have an option that fits your budget.',
      es: 'Tenemos una opción que se ajusta a tu presupuesto.',
      pt: 'Temos uma opção que cabe no seu bolso.',
    },
    retain: {
      en: 'You get more for the same price.',
      es: 'Obtienes más por el mismo precio.',
      pt: 'Você ganha mais pelo mesmo preço.',
    },
  },
  {
    id: 'frequency',
    pattern: /orders?|frequen|purchases?|compras|pedidos|visit|cantidad|quantidade|count/i,
    high: {
      en: 'You shop with us often.',
      es: 'Compras con nosotros a menudo.',
      pt: 'Você compra com a gente com frequência.',
    },
    low: {
      en: 'We would love to see you more often.',
      es: 'Nos encantaría verte más seguido.',
      pt: 'Adoraríamos ver você com mais frequência.',
    },
    retain: {
      en: 'Your next visit comes with something extra.',
      es: 'Tu próxima visita trae algo extra.',
      pt: 'Sua próxima visita vem com algo a mais.',
    },
  },
];

export function themeOf(feature: string): CopyTheme | undefined {
  return COPY_THEMES.find((t) => t.pattern.test(feature));
}

/** A column name as words: "SUM_ESC_ROAMING_SALIENTE_VOZ" -> "roaming saliente voz". */
export function featureWords(feature: string): string {
  return feature
    .replace(/^(sum|avg|mean|num|cnt|esc|ss)_/gi, '')
    .replace(/^(sum|avg|mean|num|cnt|esc|ss)_/gi, '')
    .replace(/[_\-.]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
}
