//! Tests of the language guess (`lang.rs`).
use super::guess_lang;

#[test]
fn addresses_do_not_outvote_the_text() {
    // handles and links outnumber the Arabic letters, but do not count
    let tweet = "@raig0000 @fdeet_alnssr @almostaken20 لان الشيعة خونة";
    assert_eq!(guess_lang(tweet), "ar");
    assert_eq!(
        guess_lang("Чек вот эту статью: https://tatoeba.org/ru/sentences/show/1"),
        "ru"
    );
    assert_eq!(
        guess_lang("@someone_else https://t.co/AbCdEf رافضی‌ها"),
        "fa"
    );
    // an English text that quotes an Arabic word stays English
    assert_eq!(guess_lang("The word رافضة means one who refuses"), "en");
    // a text of nothing but addresses keeps the guess of their letters
    assert_eq!(guess_lang("@someone https://example.com/x"), "en");
    // a handle's Persian letters do not make an Arabic reply Persian
    assert_eq!(guess_lang("@کاربر_یک الشيعة في العراق خونة"), "ar");
}

#[test]
fn persian_letters_in_arabic_words() {
    // Iraqi Arabic writes گ and چ
    assert_eq!(guess_lang("هو يگول ايران تريد تصدر ولاية الفقيه"), "ar");
    assert_eq!(guess_lang("كلكم چلاب والحكومة الطائفية"), "ar");
    // Persian typed with Arabic ي and ك is still Persian, Arabic names or not
    assert_eq!(
        guess_lang("در دانشگاه الزهرا؛ وضعيت همسران شهدا بررسي شد"),
        "fa"
    );
    assert_eq!(guess_lang("اين گزارش را خبرگزاري منتشر كرد"), "fa");
    // ک or ی settle it at once
    assert_eq!(guess_lang("الشيعة والعراق الگ"), "ar");
    assert_eq!(guess_lang("الشيعة والسنة ی"), "fa");
    // الله names are shared and do not count, nor Persian words that begin with ال
    assert_eq!(guess_lang("بيت الله الحرام گزارش"), "fa");
    assert_eq!(guess_lang("البته الان چه خبر"), "fa");
}

proptest::proptest! {
    /// Links and handles between the words of a text with Arabic or Cyrillic letters do
    /// not change its guess.
    #[test]
    fn addresses_never_change_the_guess(
        words in proptest::collection::vec("[a-z'ʻ]{0,6}[\u{0627}-\u{064A}پچگکیабвгдқўӣ]{1,8}", 1..8),
        addresses in proptest::collection::vec("@[a-zA-Z0-9_]{1,15}|@[a-z_\u{0627}-\u{064A}کیگپ]{1,12}|https://t\\.co/[a-zA-Z0-9]{10}|www\\.[a-z]{3,9}\\.com", 0..12),
        at in proptest::collection::vec(0usize..8, 0..12),
    ) {
        let plain = words.join(" ");
        let mut tokens = words.clone();
        for (a, i) in addresses.iter().zip(at) {
            tokens.insert(i.min(tokens.len()), a.clone());
        }
        let with = tokens.join(" ");
        proptest::prop_assert_eq!(guess_lang(&with), guess_lang(&plain), "{}", with);
    }
}
