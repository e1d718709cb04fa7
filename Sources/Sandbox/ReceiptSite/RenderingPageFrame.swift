import FiscalCore

extension SandboxReceipts {
    /// A tiny valid PNG (1×1), standing in for the QR code image of `/epi` pages.
    static let qrImage = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

    /// The document head and the app banner of the real page, up to the `ticket-wrap`.
    static func pageHead(title: String) -> String {
        headStart + "        <title>" + escape(title) + "</title>\n" + headRest
    }

    private static let headStart = """
        <!DOCTYPE html>
        <html lang="uz">
        <head>
            <meta charset="UTF-8">
            <meta http-equiv="X-UA-Compatible" content="IE=edge">
            <meta name="viewport" content="width=device-width, initial-scale=1">

        """

    private static let headRest = #"""
                    <link rel="preconnect" href="https://fonts.googleapis.com"><link rel="preconnect" href="https://fonts.gstatic.com" crossorigin><link href="https://fonts.googleapis.com/css2?family=Montserrat:wght@100;300;500&display=swap" rel="stylesheet">
            <meta name="csrf-param" content="_csrf-frontend">
        <meta name="csrf-token" content="wo_K_ii9o3DY6voTi3ufpEW-7eg4lkq3XNHMf7qRB2OkzZO4T9WXO6KDq0fKPOzTc_WcgV6nOPUut5Y66f9GKw==">

        <link href="/css/bootstrap/bootstrap.css" rel="stylesheet">
        <link href="/css/fontawesome/fontawesome.css" rel="stylesheet">
        <link href="/css/fontawesome/regular.css" rel="stylesheet">
        <link href="/css/fontawesome/brands.css" rel="stylesheet">
        <link href="/css/fontawesome/solid.css" rel="stylesheet">
        <link href="/css/owlCarousel/owl.carousel.min.css" rel="stylesheet">
        <link href="/css/owlCarousel/owl.theme.default.min.css" rel="stylesheet">
        <link href="/css/animate/animate.css" rel="stylesheet">
        <link href="/css/module.css" rel="stylesheet">
        <link href="/css/main.css" rel="stylesheet">
        <link href="/css/site.css" rel="stylesheet"></head>
        <body>

                <style>
            .link-mobile {
                background-color: #0f0cd2;
                color: #fff;
                border: none;
                border-radius: 10px;
                padding: 5px 15px;
                min-height: 30px;
                min-width: 120px;
            }

            .link-mobile:hover {
                color: #fff;
                cursor: pointer;
            }

            .reklama-mobile {
                border: 1px solid lightgray;
                border-radius: 5px;
                padding: 20px 5px;
                margin: 0 auto;

                background-color: white;
            }

            .link-mobile,
            .title-mobile-max,
            .title-mobile-min {
                font-family: 'Montserrat';
                font-style: normal;
            }

            .title-mobile-max {
                font-size: 20px;
                font-weight: bold;
            }

            .title-mobile-min {
                font-size: 10px;
            }

            .logo-mobile {
                padding: 2px;
                border: 1px solid lightgray;
                margin: 2px;
                border-radius: 10px;
            }

            .display-none {
                display: none !important;
            }

            @media screen and (min-width: 849px) {
                .reklama-mobile {
                    width: 180mm;
                    margin-top: 20px;
                }

                .ticket-wrap {
                    padding-top: 0;
                    border-top: 0;
                }

                .tickets {
                    box-shadow: 0 10px 15px rgb(0 0 0 / 30%);
                }

            }
        </style>

        <div class="d-flex justify-content-around align-items-center reklama-mobile">

            <div class="d-flex justify-content-around align-items-center">
                <div class="button-x-mobile">
                    <svg fill="#4a4a4a" height="20px" width="20px" version="1.1" id="Capa_1" xmlns="http://www.w3.org/2000/svg"
                         xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="-46.08 -46.08 552.93 552.93" xml:space="preserve"
                         stroke="#4a4a4a">

                        <g id="SVGRepo_bgCarrier" stroke-width="0"/>

                        <g id="SVGRepo_tracerCarrier" stroke-linecap="round" stroke-linejoin="round" stroke="#CCCCCC"
                           stroke-width="0.9215500000000001"/>

                        <g id="SVGRepo_iconCarrier">
                            <path d="M285.08,230.397L456.218,59.27c6.076-6.077,6.076-15.911,0-21.986L423.511,4.565c-2.913-2.911-6.866-4.55-10.992-4.55 c-4.127,0-8.08,1.639-10.993,4.55l-171.138,171.14L59.25,4.565c-2.913-2.911-6.866-4.55-10.993-4.55 c-4.126,0-8.08,1.639-10.992,4.55L4.558,37.284c-6.077,6.075-6.077,15.909,0,21.986l171.138,171.128L4.575,401.505 c-6.074,6.077-6.074,15.911,0,21.986l32.709,32.719c2.911,2.911,6.865,4.55,10.992,4.55c4.127,0,8.08-1.639,10.994-4.55 l171.117-171.12l171.118,171.12c2.913,2.911,6.866,4.55,10.993,4.55c4.128,0,8.081-1.639,10.992-4.55l32.709-32.719 c6.074-6.075,6.074-15.909,0-21.986L285.08,230.397z"/>
                        </g>

                    </svg>
                </div>
                <div class="mx-2">
                    <img src="/check_image/logo-soliq.png" alt="" width="60" class="logo-mobile">
                </div>
                <div>
                    <span>
                        <span class="title-mobile-max">SOLIQ</span>
                        <br>
                        <span class="title-mobile-min">mobile ilovasi</span>
                    </span>
                </div>
            </div>
            <div class="right">
                <a href="https://play.google.com/store/apps/details?id=uz.soliq.mobile&hl=uz&gl=US&pli=1" class="link-mobile">Yuklab olish</a>
            </div>
        </div>

        """#

    /// The marking-codes modal and the scripts after the `ticket-wrap`, as on the real page.
    static let pageTail: String = #"""

        <style>
            .markirovka_class {
                border-radius: 62px;
                background-color: blue;
            }

            .markirovka_class span {
                color: white !important;
                font-weight: 900;
                padding: 1px;
            }

            .modal-content {
                width: 80%;
                margin: auto;
            }

            .modal-body {
                font-family: Arial, sans-serif;
                display: flex;
                justify-content: center;
                align-items: center;
                margin: 0;
            }

            .modal-container {
                text-align: center;
                width: 100%;
                overflow-x: auto;
            }

            .item-list,
            .modal-title {
                font-family: "Montserrat";
            }
        </style>
        <div class="modal fade" id="exampleModalLong" tabindex="-1" role="dialog" aria-labelledby="exampleModalLongTitle"
             aria-hidden="true">
            <div class="modal-dialog" role="document">
                <div class="modal-content">
                    <div class="modal-header">
                        <h5 class="modal-title" id="exampleModalLongTitle">Markirovka kodlari</h5>
                        <button type="button" class="close" data-dismiss="modal" aria-label="Close">
                            <span aria-hidden="true">&times;</span>
                        </button>
                    </div>
                    <div class="modal-body" id="my-modal-label">
                        <div class="modal-container">
                            <table id="item-list" class="table table-bordered table-striped"></table>
                        </div>
                    </div>
                </div>
            </div>
        </div>


        <script src="/assets/1ebabcd8/jquery.js"></script>
        <script src="/assets/b625197e/yii.js"></script>
        <script src="/js/jquery.js"></script>
        <script src="/js/popper.js"></script>
        <script src="/js/bootstrap.js"></script>
        <script src="/js/owl.carousel.min.js"></script>
        <script src="/js/slideout.min.js"></script>
        <script src="/js/wow.js"></script>
        <script src="/js/default.js"></script>
        <script src="/js/main.js"></script>
        <script>jQuery(function ($) {
        $(".button-x-mobile").click(function (){
            $(".reklama-mobile").addClass("display-none");
            $(".tickets").css("margin-top", "20px");
        })

         $(document).ready(function (e) {
            
            function renderItems(items) {
                const itemList = document.getElementById('item-list');
                const tbody = document.createElement('tbody');
                itemList.innerHTML = '';
                
                let counter = 1;
                for (const item of items) {
                    const tr = document.createElement('tr');
                    const td1 = document.createElement('td');
                    const td2 = document.createElement('td');
                    td1.textContent = counter; 
                    td2.textContent = item.replace(/&amp;/g, '&');
                    tr.appendChild(td1);
                    tr.appendChild(td2);
                    tbody.appendChild(tr);
                    counter++;
                }
                itemList.innerHTML += '<thead><tr><th scope="col">№</th><th scope="col">Markirovka kodi</th></tr></thead>';
                itemList.appendChild(tbody);
            }
            
             $('.markirovka_class').on('click', function (e) {
                 
                 var items = $(this).next().html();
                 let resultArray = items.split(',')
                                    .map(item => item.trim())
                                    .filter(item => item);
                 renderItems(resultArray);
                $('#exampleModalLong').modal('toggle');
            });
          });
        });</script></body>
        </html>

        """#
}
