"""Names for demo authors, and the outside institutions co-authors come from.

Given and family names are common ones from many countries, as an American
medical school's author lists show them. The institutions are made up, so no
real one is credited with a generated paper.
"""


def _words(text: str) -> list[str]:
    return text.split()


GIVEN_NAMES = _words(
    """
    Aaron Abigail Adam Adebayo Adriana Ahmed Aisha Akira Alan Alejandro Alexander
    Alice Alicia Amanda Amit Ana Andrea Andrew Angela Anil Anna Anthony Arjun Ashley
    Beatriz Benjamin Bo Brian Camila Carlos Carmen Caroline Catherine Chen Chiara
    Christina Christopher Claire Daniel David Deepa Diana Diego Dmitri Elena Elizabeth
    Emily Emma Eric Erin Esther Ethan Eun-Ji Fatima Felipe Fernando Fiona Francesca
    Gabriel Giulia Grace Hannah Hao Haruto Helen Hiroshi Hyun-Woo Ian Ibrahim Ingrid
    Isabel Jack James Jan-Inge Jane Javier Jennifer Jessica Jia Jin John Jonathan
    Jorge Jose Joseph Joshua Juan Julia Karen Katherine Kavya Kenji Kevin Kofi Laura
    Lauren Lei Li Lin Lisa Lucas Luis Maria Mariam Mark Marta Martin Matthew Mei
    Melissa Michael Michelle Miguel Min-Jun Mohammed Nadia Natalia Nicholas Nicole
    Nikhil Noah Olga Olivia Omar Oluwaseun Pablo Patricia Paul Pedro Peter Pooja
    Priya Rachel Rafael Rahul Rebecca Richard Robert Rosa Ryan Sakura Samantha Samuel
    Sanjay Sara Sarah Sean Sergei Shreya Sofia Sophie Stephanie Steven Sunil Susan
    Takeshi Tanvir Thomas Timothy Tomas Valentina Victoria Vikram Wei William Xin
    Yan Yasmin Yi Ying Yuki Yusuf Zainab Zhen
    """
)

MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"

FAMILY_NAMES = _words(
    """
    Abbott Adams Adeyemi Agarwal Ahmed Ali Allen Alvarez Anderson Andersson Bailey
    Baker Banerjee Barnes Bauer Becker Bell Bennett Berg Bianchi Brooks Brown Bui
    Butler Campbell Carter Castillo Chan Chang Chaudhry Chen Cheng Choi Chowdhury
    Clark Cohen Collins Cook Cooper Costa Cruz Das Davies Davis Diaz Dubois Edwards
    Evans Fernandez Fischer Fisher Flores Foster Garcia Gomez Gonzalez Gordon Graham
    Green Gupta Gutierrez Hall Hansen Harris Hassan Hayashi Henderson Hernandez Hill
    Ho Hoffmann Hughes Hussain Ibrahim Ito Iyer Jackson Jain James Jensen Jimenez
    Johnson Jones Joshi Kaur Kelly Khan Kim Kimura King Klein Koh Kowalski Kumar Lam
    Larsen Lee Lewis Li Lim Lin Liu Lopez Ma Mahmoud Martin Martinez Matsumoto Mehta
    Mendoza Meyer Miller Mitchell Moore Morales Morgan Moreno Murphy Murray Nakamura
    Nguyen Nielsen Novak Obi Okafor Okonkwo Olsen Ortiz Owusu Park Parker Patel Perez
    Peterson Petrov Phillips Pham Popescu Price Qureshi Ramirez Rao Reddy Reed Reyes
    Richardson Rivera Roberts Robinson Rodriguez Romano Rossi Russell Sanchez Santos
    Sato Schmidt Schneider Scott Shah Sharma Silva Singh Smith Sokolov Suzuki Takahashi
    Tanaka Taylor Thomas Thompson Torres Tran Turner Volkov Wagner Walker Wang Ward
    Watanabe Weber Wilson Wong Wright Wu Xu Yamamoto Yang Yilmaz Young Zhang Zhao
    Zhou Zhu
    """
)

SUFFIXES = ["Jr", "III", "II"]

# Made-up institutions for co-authors from elsewhere.
OUTSIDE_INSTITUTIONS = [
    "Northfield University Medical Center, Northfield, MN, USA",
    "Lakeshore Children's Hospital, Chicago, IL, USA",
    "Riverside College of Medicine, Riverside, CA, USA",
    "Granite State Institute for Health Research, Concord, NH, USA",
    "Bay Harbor Cancer Center, Tampa, FL, USA",
    "Western Plains University School of Medicine, Lincoln, NE, USA",
    "Cascade Heart Institute, Portland, OR, USA",
    "Piedmont Regional Medical Center, Greensboro, NC, USA",
    "Mesa Verde Health System, Albuquerque, NM, USA",
    "Great Lakes Institute of Immunology, Cleveland, OH, USA",
    "Harborview Institute of Public Health, Baltimore, MD, USA",
    "Summit Valley University, Salt Lake City, UT, USA",
    "Kingsbridge University Hospital, London, UK",
    "Institute of Translational Medicine, Lyonnais University, Lyon, France",
    "Rhine Valley University Hospital, Heidelberg, Germany",
    "Nordic Centre for Clinical Research, Uppsala, Sweden",
    "Maple Leaf University Health Network, Toronto, ON, Canada",
    "Southern Cross Medical Research Institute, Melbourne, VIC, Australia",
    "Sakura University Graduate School of Medicine, Osaka, Japan",
    "Han River Medical Center, Seoul, Republic of Korea",
    "Pearl River University Hospital, Guangzhou, China",
    "Deccan Institute of Medical Sciences, Hyderabad, India",
    "Andes University Faculty of Medicine, Santiago, Chile",
    "Nile Valley University Hospital, Cairo, Egypt",
    "Lagoon City Teaching Hospital, Lagos, Nigeria",
]
