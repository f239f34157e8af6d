import { expect, test } from 'vitest';
import { detectLanguage } from '../../server/analysis/language';

test.each([
  ['¿Dónde está mi pedido? Todavía no llega', 'es'],
  ['el pedido no llega y nadie responde', 'es'],
  ['Meine Bestellung ist immer noch nicht da', 'de'],
  ['Ma commande est toujours pas arrivée', 'fr'],
  ['O meu pedido ainda não chegou', 'pt'],
  ['Il mio ordine non è ancora arrivato', 'it'],
  ['Mijn bestelling is nog steeds niet aangekomen', 'nl'],
  ['注文がまだ届きません', 'ja'],
  ['我的订单还没到', 'zh'],
  ['주문이 아직 도착하지 않았습니다', 'ko'],
  ['طلبي لم يصل بعد', 'ar'],
  ['ההזמנה שלי עדיין לא הגיעה', 'he'],
  ['Мой заказ не пришел', 'ru'],
  ['Моє замовлення ще не прийшло', 'uk'],
  ['Το πακέτο μου δεν έφτασε', 'el'],
])('"%s" is %s', (text, lang) => {
  expect(detectLanguage(text)).toBe(lang);
});

test.each([
  ['my order from Nordstrom still not here'],
  ['I love la vida loca'],
  ['Que pasa'],
  ['lol'],
  [''],
  ['😡😡😡'],
  ['https://t.co/abc'],
  ['#48213 @acme'],
  ['Café au lait at the new place, so good'],
])('"%s" is English: short, unclear or mixed text defaults to English', (text) => {
  expect(detectLanguage(text)).toBe('en');
});

test('an English post quoting a few Japanese characters stays English', () => {
  expect(detectLanguage('The new Sony camera (ソニー) shipped late and the lens is cracked')).toBe('en');
});
