import type { VisitorSections } from './types.ts';

export const visitor: VisitorSections = {
  landingPage: {
    checking: 'Đang kiểm tra trạng thái đồng ý của bạn…',
    optedIn: 'Bạn đã đồng ý.',
    optedOut: 'Bạn đã từ chối.',
    cookiesBlocked: 'Có vẻ như trình duyệt của bạn đang chặn cookie.',
    headerHeading: 'Dữ liệu sử dụng của bạn',
    blockedText:
      'Offen Fair Web Analytics cần cookie để ghi nhớ quyết định của bạn và cho bạn xem dữ liệu của chính mình. Hãy cho phép cookie cho trang này trong cài đặt trình duyệt nếu bạn muốn đồng ý.',
    manage: 'Quản lý dữ liệu sử dụng mà trang web này đã thu thập về bạn.',
    openAuditorium: 'Mở Auditorium',
    explanation:
      'Trang web này dùng Offen Fair Web Analytics để hiểu cách trang được sử dụng. Dữ liệu sử dụng chỉ được truy cập khi bạn đồng ý, và bạn có thể xem lại hoặc xóa nó bất cứ lúc nào.',
    optIn: 'Tôi đồng ý',
    optOut: 'Tôi không đồng ý',
  },
  faq: {
    heading: 'Câu hỏi thường gặp',
    reviewQuestion: 'Làm sao để xem lại và xóa dữ liệu sử dụng của tôi (hoặc rút lại đồng ý)?',
    reviewOptedInBefore: 'Bạn có thể ',
    reviewOptedInLink: 'mở Auditorium',
    reviewOptedInAfter: ' để xem lại dữ liệu sử dụng, xóa nó hoặc rút lại đồng ý bất cứ lúc nào.',
    reviewNotOptedIn:
      'Không có gì được thu thập trước khi bạn đồng ý bằng các nút ở đầu trang này. Sau đó, trang này sẽ dẫn bạn đến Auditorium, nơi bạn có thể xem lại và xóa dữ liệu hoặc rút lại đồng ý.',
    collectedQuestion: 'Những dữ liệu nào được thu thập?',
    collectedAnswer:
      'Các trang bạn xem và thời điểm xem, trang đã dẫn bạn đến đây, thời gian tải trang đầu tiên, thiết bị của bạn có phải thiết bị di động không, và quốc gia suy ra từ múi giờ của bạn.',
    notCollectedQuestion: 'Những dữ liệu nào không được thu thập?',
    notCollectedAnswer:
      'Không có địa chỉ IP, không có user agent, không có dấu vân tay trình duyệt, không có kích thước màn hình, không có cú nhấp hay nội dung gõ phím, và hoàn toàn không có gì trước khi bạn đồng ý.',
    handlingQuestion: 'Dữ liệu của tôi được xử lý như thế nào?',
    handlingAnswer:
      'Dữ liệu sử dụng của bạn được mã hóa trong trình duyệt trước khi gửi đi, tức là được mã hóa đầu cuối: chỉ bạn và nhà vận hành trang web có thể đọc nó. Dữ liệu tự động bị xóa sau tối đa 6 tháng, và bạn có thể tự xóa bất cứ lúc nào.',
    whyQuestion: 'Vì sao nên đồng ý hoặc từ chối?',
    whyAnswer:
      'Sự đồng ý của bạn giúp nhà vận hành hiểu cách trang web được sử dụng và cải thiện nó, trong khi dữ liệu của bạn vẫn riêng tư và do bạn kiểm soát. Nếu bạn từ chối, không có gì về bạn được thu thập và trang web vẫn hoạt động như cũ.',
    cookiesQuestion: 'Các bạn có dùng cookie không?',
    cookiesAnswer:
      'Có, chỉ để ghi nhớ quyết định của bạn và, nếu bạn đồng ý, một ID ngẫu nhiên nối các lượt xem trang của bạn và cho bạn truy cập dữ liệu của chính mình. Không có cookie thì không có gì được thu thập.',
    howQuestion: 'Tất cả hoạt động như thế nào?',
    howAnswer:
      'Offen chạy trong một khung nhỏ ẩn trên trang web. Khi bạn đồng ý, nó ghi lại từng lượt xem trang, mã hóa trong trình duyệt của bạn và gửi đến máy chủ. Trong Auditorium, trình duyệt của bạn tải về và giải mã dữ liệu của chính bạn; máy chủ không bao giờ thấy dữ liệu ở dạng văn bản thường.',
  },
  userAuditorium: {
    heading: 'Auditorium của người dùng',
    checking: 'Đang kiểm tra trạng thái đồng ý của bạn…',
    fetching: 'Đang tải và giải mã dữ liệu mới nhất…',
    intro:
      'Đây là dữ liệu sử dụng mà các trang web của bản cài đặt Offen này đã thu thập về bạn, được giải mã trong trình duyệt của bạn. Chỉ bạn mới xem được trang này.',
    empty:
      'Trình duyệt này không có dữ liệu sử dụng nào về bạn. Dữ liệu sẽ xuất hiện ở đây sau khi bạn đồng ý và truy cập một trang web dùng bản cài đặt Offen này.',
  },
  privacy: {
    heading: 'Quyền riêng tư',
    optedIn: 'Bạn đã đồng ý: các trang web của bản cài đặt Offen này có thể thu thập dữ liệu sử dụng của bạn.',
    notOptedIn: 'Bạn chưa đồng ý: không có dữ liệu sử dụng nào về bạn được thu thập.',
    optOut: 'Rút lại đồng ý và xóa dữ liệu sử dụng',
    purge: 'Vẫn đồng ý, chỉ xóa dữ liệu sử dụng',
    optIn: 'Đồng ý và cho phép truy cập dữ liệu sử dụng của bạn',
    purged: 'Dữ liệu sử dụng của bạn đã được xóa.',
    bookmark: 'Để xem lại dữ liệu được thu thập theo thời gian, hãy đánh dấu trang này.',
  },
  download: {
    button: 'Tải xuống dữ liệu của tôi',
    hint: 'Một tệp JSON chứa mọi lượt xem trang được ghi lại về bạn, đã giải mã trong trình duyệt này.',
  },
  onboarding: {
    label: 'Giới thiệu về Auditorium',
    slide1Title: 'Những gì {domain} biết về bạn',
    visits: 'Bạn đã truy cập {domain} {count} lần.',
    firstVisit: 'Có lẽ đây là lần đầu bạn truy cập {domain}.',
    referrer: 'Bạn đến từ {referrer}.',
    location: 'Có lẽ bạn đang ở {country}.',
    mobile: 'Nhiều khả năng bạn đang dùng thiết bị di động.',
    desktop: 'Nhiều khả năng bạn đang dùng máy tính để bàn.',
    slide2Title: 'Dữ liệu của bạn luôn thuộc về bạn',
    slide2Text:
      'Dữ liệu sử dụng của bạn được mã hóa trong trình duyệt trước khi gửi đi. Chỉ bạn và nhà vận hành trang web có thể đọc nó, và bạn có thể xóa nó bất cứ lúc nào.',
    slide2Explainer: 'Ở bất cứ đâu bạn thấy biểu tượng "e" màu vàng, hãy chọn nó để đọc ý nghĩa của một con số.',
    slide3Title: 'Đánh dấu trang này',
    slide3Text: 'Hãy quay lại bất cứ lúc nào để xem lại hoặc xóa dữ liệu sử dụng của bạn. Đánh dấu trang này để tìm lại dễ dàng.',
    skip: 'Bỏ qua',
    next: 'Tiếp theo',
    open: 'Mở Auditorium',
    slides: 'Các trang giới thiệu',
    slideOf: 'Trang {current} trên {total}',
  },
  explainers: {
    iconLabel: 'Giải thích: {topic}',
    related: 'Thuật ngữ liên quan:',
    rangeTitle: 'Khoảng thời gian',
    range: 'Chọn khoảng thời gian dùng để tính các con số bên dưới. Thời gian được hiển thị theo múi giờ của bạn. Dữ liệu được lưu tối đa 6 tháng.',
    chartTitle: 'Lượt xem trang và trang web',
    chart:
      'Mỗi cột cho biết bạn đã xem bao nhiêu trang trong khoảng đó. Phần tối là số trang web khác nhau bạn đã truy cập; phần sáng phía trên là phần còn lại của các lượt xem trang.',
    metricsTitle: 'Chỉ số chính',
    metrics: 'Các con số chính về lượt truy cập của bạn trong khoảng thời gian đã chọn, được tính trong trình duyệt chỉ từ dữ liệu của bạn.',
    uniqueAccountsTitle: 'Trang web duy nhất',
    uniqueAccounts: 'Số trang web khác nhau của bản cài đặt Offen này mà bạn đã truy cập trong khoảng thời gian đã chọn.',
    uniqueSessionsTitle: 'Phiên duy nhất',
    uniqueSessions: 'Số lần truy cập riêng biệt của bạn. Một phiên kéo dài đến khi bạn đóng trình duyệt, và mỗi trang web tính phiên riêng.',
    avgPageDepthTitle: 'Độ sâu trang trung bình',
    avgPageDepth: 'Số trang trung bình bạn đã xem trong mỗi phiên.',
    bounceRateTitle: 'Tỷ lệ thoát',
    bounceRate: 'Tỷ lệ các phiên mà bạn chỉ xem một trang. Thời gian bạn ở lại không được đo.',
    mobileShareTitle: 'Người dùng di động',
    mobileShare:
      'Có, nếu bất kỳ lượt xem trang nào của bạn trong khoảng thời gian đã chọn đến từ thiết bị di động. Điều này được nhận biết qua một tính năng của trình duyệt, không qua user agent.',
    avgPageloadTitle: 'Thời gian tải trang trung bình',
    avgPageload:
      'Thời gian trung bình để tải các trang bạn đã mở. Chỉ trang đầu tiên của mỗi lượt truy cập được đo; các trang thay đổi mà không tải lại thì không tính.',
    tablesTitle: 'Trang hàng đầu',
    tables: 'Các lượt xem trang của bạn được chia theo trang, quốc gia, nguồn giới thiệu và chiến dịch. Dùng các thẻ để chuyển bảng.',
    pagesTitle: 'Các trang',
    pages: 'Các trang bạn xem nhiều nhất, tính theo lượt xem trang. Chuỗi truy vấn và #phân đoạn được bỏ khỏi địa chỉ.',
    geoTitle: 'Vị trí',
    geo: 'Quốc gia mà có lẽ bạn đang ở, suy ra từ múi giờ của trình duyệt chứ không từ địa chỉ IP. Tính theo phiên.',
    referrersTitle: 'Nguồn giới thiệu',
    referrers:
      'Các trang web đã dẫn bạn đến một trang, tính theo phiên. Chỉ trang đầu tiên của phiên được tính, và liên kết trong cùng một trang web không phải là nguồn giới thiệu.',
    campaignsTitle: 'Chiến dịch',
    campaigns: 'Các phiên bắt đầu từ một liên kết gắn utm_campaign, nhóm theo giá trị của nó.',
    sourcesTitle: 'Nguồn',
    sources: 'Các phiên bắt đầu từ một liên kết gắn utm_source, nhóm theo giá trị của nó.',
    landingPagesTitle: 'Trang đích',
    landingPages: 'Trang đầu tiên của mỗi phiên của bạn.',
    exitPagesTitle: 'Trang thoát',
    exitPages: 'Trang cuối cùng của mỗi phiên mà bạn đã xem ít nhất hai trang.',
    retentionTitle: 'Tỷ lệ quay lại hằng tuần',
    retention:
      'Bạn có quay lại không: mỗi hàng bắt đầu bằng một tuần bạn hoạt động và cho thấy bạn có quay lại trong các tuần tiếp theo không. Bốn tuần luôn kết thúc vào hôm nay, bất kể khoảng thời gian đã chọn.',
  },
  glossary: {
    heading: 'Thuật ngữ cơ bản',
    auditorium: 'Auditorium (khu xem dữ liệu)',
    auditoriumText:
      'Nơi bạn có thể xem lại, tải xuống và xóa dữ liệu sử dụng mà các trang web của bản cài đặt Offen này đã thu thập về bạn.',
    installation: 'Bản cài đặt Offen',
    installationText: 'Một máy chủ chạy Offen Fair Web Analytics. Nó có thể phục vụ nhiều trang web; Auditorium này hiển thị dữ liệu của bạn cho tất cả.',
    cookies: 'Cookie',
    cookiesText:
      'Những mẩu văn bản nhỏ mà trình duyệt lưu cho một trang web. Offen chỉ dùng chúng để ghi nhớ quyết định của bạn và ID ngẫu nhiên nối các lượt xem trang của bạn.',
    operator: 'Nhà vận hành',
    operatorText: 'Cá nhân hoặc tổ chức vận hành một trang web dùng Offen. Nhà vận hành thấy dữ liệu sử dụng ẩn danh hóa của mọi người đã đồng ý.',
    uniqueUser: 'Người dùng duy nhất',
    uniqueUserText:
      'Mỗi khách truy cập được tính một lần cho mỗi trang web, bằng một ID ngẫu nhiên lưu trong cookie. Nếu bạn xóa cookie, bạn sẽ được tính là người dùng mới.',
    uniqueSession: 'Phiên duy nhất',
    uniqueSessionText: 'Tất cả lượt xem trang trên một trang web từ lượt đầu tiên cho đến khi bạn đóng trình duyệt.',
    uuid: 'Mã định danh (UUID v4)',
    uuidText:
      'Một mã định danh ngẫu nhiên như 0f8fad5b-d9cb-469f-a165-70867728950e. Nó không tiết lộ gì về bạn; Offen dùng các mã như vậy cho người dùng và phiên.',
  },
};
