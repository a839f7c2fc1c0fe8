import type { Strings } from './types.ts';

export const strings: Strings = {
  locale: 'vi',
  banner: {
    consent: 'Chúng tôi chỉ truy cập dữ liệu sử dụng khi có sự đồng ý của bạn.',
    optOut: 'Bạn có thể rút lại đồng ý và xóa dữ liệu bất cứ lúc nào.',
    learnMore: 'Tìm hiểu thêm',
    allow: 'Tôi đồng ý',
    deny: 'Tôi không đồng ý',
    thanks: 'Cảm ơn bạn đã giúp trang web này tốt hơn.',
    manageBefore: 'Để quản lý dữ liệu sử dụng của bạn, ',
    manageLink: 'hãy mở Auditorium',
    manageAfter: '.',
    continue: 'Tiếp tục',
    label: 'Đồng ý về dữ liệu sử dụng',
  },
};
